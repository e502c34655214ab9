variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "llm-serving"
}

variable "environment" {
  description = "Deployment environment, used in names and tags."
  type        = string
  default     = "prod"
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "account_id" {
  description = "AWS account id, used to build bucket names, key policies and registry hosts."
  type        = string
  default     = "123456789012"
}

variable "vpc_cidr" {
  description = "CIDR of the AI VPC."
  type        = string
  default     = "10.20.0.0/16"
}

variable "azs" {
  description = "Availability zones the subnets span."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b"]
}

variable "gpu_ami" {
  description = "Deep Learning AMI for the GPU hosts."
  type        = string
  default     = "ami-0a1b2c3d4e5f67890"
}

variable "inference_instance_type" {
  description = "Instance type of the inference hosts."
  type        = string
  default     = "g5.12xlarge"
}

variable "inference_instance_count" {
  description = "Number of inference hosts behind the load balancer."
  type        = number
  default     = 2
}

variable "training_instance_type" {
  description = "Instance type of the training host."
  type        = string
  default     = "p4d.24xlarge"
}

variable "inference_port" {
  description = "Port the model server (TGI) listens on, with TLS."
  type        = number
  default     = 8443
}

variable "llm_image_digest" {
  description = "Digest of the model server image, as pushed by the release pipeline."
  type        = string
  default     = "sha256:3b1f6e0a9c2d4f8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f"
}

variable "certificate_arn" {
  description = "ACM certificate of the internal inference hostname."
  type        = string
  default     = "arn:aws:acm:us-east-1:123456789012:certificate/0d9e3c2a-8b1f-4a57-9c1e-2f4b6a7d8e90"
}

variable "sagemaker_execution_role_arn" {
  description = "Execution role of the SageMaker model (managed by the platform team)."
  type        = string
  default     = "arn:aws:iam::123456789012:role/llm-serving-sagemaker-execution"
}

variable "gpu_instance_profile" {
  description = "Instance profile of the GPU hosts (SSM access, read-only model bucket)."
  type        = string
  default     = "llm-serving-gpu-host"
}

variable "eks_cluster_role_arn" {
  description = "IAM role of the EKS control plane."
  type        = string
  default     = "arn:aws:iam::123456789012:role/llm-serving-eks-cluster"
}

variable "eks_node_role_arn" {
  description = "IAM role of the EKS GPU nodes."
  type        = string
  default     = "arn:aws:iam::123456789012:role/llm-serving-eks-node"
}

variable "log_retention_days" {
  description = "Retention of inference logs and captured requests, in days."
  type        = number
  default     = 30
}

variable "inference_hostname" {
  description = "Hostname of the internal inference endpoint (the certificate's name)."
  type        = string
  default     = "inference.llm.internal.example.com"
}

variable "jwt_issuer" {
  description = "Issuer URL of the company identity provider (OIDC)."
  type        = string
  default     = "https://login.example.com/oauth2/default"
}

variable "jwt_audience" {
  description = "Audience the chat API accepts in access tokens."
  type        = string
  default     = "api://llm-chat"
}
