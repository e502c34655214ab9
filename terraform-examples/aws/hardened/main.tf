# The same LLM serving and training stack as ../insecure, built to the AI security
# architecture: private network, customer-managed keys, TLS 1.2+ everywhere, pinned
# images, authenticated and throttled API, logs with a retention. See README.md.

locals {
  prefix       = "${var.name}-${var.environment}"
  ecr_registry = "${var.account_id}.dkr.ecr.${var.region}.amazonaws.com"

  model_bucket    = "${local.prefix}-models-${var.account_id}"
  training_bucket = "${local.prefix}-training-data-${var.account_id}"
  logs_bucket     = "${local.prefix}-access-logs-${var.account_id}"

  common_tags = {
    project     = var.name
    environment = var.environment
    owner       = "ml-platform"
  }

  # Tags that the auditor's AI classification reads (config: ai_tag_keys,
  # ai_data_tag_keys).
  ai_tags = {
    "ai-workload" = "llm"
  }
}

module "network" {
  source = "./modules/network"

  name   = local.prefix
  region = var.region
  cidr   = var.vpc_cidr
  azs    = var.azs
}

# ---------------------------------------------------------------------------------------
# One customer-managed key for the ML data (model bucket, volumes, registry, endpoint,
# logs), rotated yearly.
# ---------------------------------------------------------------------------------------

resource "aws_kms_key" "ml" {
  description             = "${local.prefix} ML data"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${var.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogs"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
      },
    ]
  })

  tags = local.ai_tags
}

# Every new EBS volume of the region is encrypted.
resource "aws_ebs_encryption_by_default" "this" {
  enabled = true
}

# Account-wide S3 public access block, on top of the per-bucket ones.
resource "aws_s3_account_public_access_block" "this" {
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}
