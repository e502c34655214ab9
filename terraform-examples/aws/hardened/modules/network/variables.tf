variable "name" {
  description = "Prefix of the network resource names."
  type        = string
}

variable "region" {
  description = "Region of the VPC endpoints' service names."
  type        = string
}

variable "cidr" {
  description = "CIDR of the VPC."
  type        = string
}

variable "azs" {
  description = "Availability zones; one private subnet in each."
  type        = list(string)
}

variable "interface_endpoints" {
  description = "AWS services reached through interface VPC endpoints."
  type        = list(string)
  default     = ["sagemaker.api", "sagemaker.runtime", "bedrock-runtime", "ecr.api", "ecr.dkr"]
}
