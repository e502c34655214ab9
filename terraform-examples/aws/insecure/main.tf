# An LLM serving and training stack on AWS, written the quick way. It works, and it
# violates most of the AI security architecture's controls: see README.md for the list.
# Do not deploy it.

locals {
  prefix       = "${var.name}-${var.environment}"
  ecr_registry = "${var.account_id}.dkr.ecr.${var.region}.amazonaws.com"

  model_bucket    = "${local.prefix}-models-${var.account_id}"
  training_bucket = "${local.prefix}-training-data-${var.account_id}"

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

  name = local.prefix
  cidr = var.vpc_cidr
  azs  = var.azs
}

# The one customer-managed key of the stack. Only the SageMaker notebook uses it, and it
# never rotates.
resource "aws_kms_key" "ml" {
  description             = "${local.prefix} ML data"
  deletion_window_in_days = 7
  enable_key_rotation     = false

  tags = local.ai_tags
}
