variable "name" {
  description = "Prefix of the network resource names."
  type        = string
}

variable "cidr" {
  description = "CIDR of the VPC."
  type        = string
}

variable "azs" {
  description = "Availability zones; one public and one private subnet in each."
  type        = list(string)
}
