variable "project_id" {
  description = "GCP project hosting the AI stack."
  type        = string
  default     = "acme-ml-prod"
}

variable "project_number" {
  description = "Number of the project (the default compute service account is named after it)."
  type        = string
  default     = "123456789012"
}

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "llm-serving"
}

variable "region" {
  description = "Region of the subnetwork."
  type        = string
  default     = "us-central1"
}

variable "zone" {
  description = "Zone of the GPU VMs."
  type        = string
  default     = "us-central1-a"
}

variable "subnet_cidr" {
  description = "Primary range of the GPU subnetwork."
  type        = string
  default     = "10.30.0.0/20"
}

variable "gpu_vm_count" {
  description = "Number of A100 inference VMs behind the load balancer."
  type        = number
  default     = 2
}

variable "gpu_machine_type" {
  description = "Machine type of the inference VMs (A100 40GB, one GPU)."
  type        = string
  default     = "a2-highgpu-1g"
}

variable "gpu_image" {
  description = "Deep Learning VM image family."
  type        = string
  default     = "projects/deeplearning-platform-release/global/images/family/common-cu121-debian-11-py310"
}

variable "inference_port" {
  description = "Port the model server listens on."
  type        = number
  default     = 8080
}

variable "domain" {
  description = "Public hostname of the inference API."
  type        = string
  default     = "llm.example.com"
}
