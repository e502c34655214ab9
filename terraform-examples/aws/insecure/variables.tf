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
  description = "AWS account id, used to build bucket names and registry hosts."
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
  description = "Port the model server (TGI) listens on."
  type        = number
  default     = 8080
}

variable "certificate_arn" {
  description = "ACM certificate of the public inference hostname."
  type        = string
  default     = "arn:aws:acm:us-east-1:123456789012:certificate/0d9e3c2a-8b1f-4a57-9c1e-2f4b6a7d8e90"
}

variable "sagemaker_execution_role_arn" {
  description = "Execution role of the SageMaker model (managed by the platform team)."
  type        = string
  default     = "arn:aws:iam::123456789012:role/llm-serving-sagemaker-execution"
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

variable "ssh_key_name" {
  description = "EC2 key pair for the GPU hosts."
  type        = string
  default     = "ml-team"
}

# FAKE canary credential. It exists only so that the tests can prove that secrets never
# reach a snapshot or a report. It must never appear in any output of the auditor.
variable "wandb_api_key" {
  description = "Weights & Biases API key for the training job."
  type        = string
  default     = "wandb-CANARYCANARYCANARY0002"
}

variable "inference_hostname" {
  description = "Public hostname of the inference load balancer."
  type        = string
  default     = "inference.llm.example.com"
}
