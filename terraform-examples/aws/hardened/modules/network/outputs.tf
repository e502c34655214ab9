output "vpc_id" {
  description = "Id of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "Ids of the private subnets, one per AZ."
  value       = aws_subnet.private[*].id
}

output "s3_endpoint_id" {
  description = "Id of the S3 gateway endpoint (bucket policies may pin it)."
  value       = aws_vpc_endpoint.s3.id
}
