# ---------------------------------------------------------------------------------------
# Model image registry: mutable tags, no scan on push, default AES256 encryption.
# ---------------------------------------------------------------------------------------

resource "aws_ecr_repository" "llm" {
  name                 = "${local.prefix}-llm"
  image_tag_mutability = "MUTABLE"
  force_delete         = true

  image_scanning_configuration {
    scan_on_push = false
  }

  tags = local.ai_tags
}

# ---------------------------------------------------------------------------------------
# SageMaker real-time endpoint: outside any VPC, image by :latest, a token in the
# environment, volumes and captured requests without a customer key.
# ---------------------------------------------------------------------------------------

resource "aws_sagemaker_model" "llm" {
  name               = "${local.prefix}-llm"
  execution_role_arn = var.sagemaker_execution_role_arn

  primary_container {
    image          = "${local.ecr_registry}/${aws_ecr_repository.llm.name}:latest"
    model_data_url = "s3://${aws_s3_bucket.models.bucket}/model.tar.gz"

    environment = {
      HF_MODEL_ID      = "/opt/ml/model"
      SM_NUM_GPUS      = "4"
      MAX_INPUT_TOKENS = "4096"
      # FAKE canary credential: must never appear in any output of the auditor.
      HF_TOKEN = "hf_CANARYCANARYCANARY0001"
    }
  }

  tags = local.ai_tags
}

resource "aws_sagemaker_endpoint_configuration" "llm" {
  name = "${local.prefix}-llm"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.llm.name
    initial_instance_count = 1
    instance_type          = "ml.g5.12xlarge"
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 100
    destination_s3_uri          = "s3://${aws_s3_bucket.models.bucket}/datacapture"

    capture_options {
      capture_mode = "Input"
    }

    capture_options {
      capture_mode = "Output"
    }
  }
}

resource "aws_sagemaker_endpoint" "llm" {
  name                 = "${local.prefix}-llm"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.llm.name
}

# Research notebook with direct internet access and root; its volume does use the
# customer key.
resource "aws_sagemaker_notebook_instance" "research" {
  name                   = "${local.prefix}-research"
  role_arn               = var.sagemaker_execution_role_arn
  instance_type          = "ml.g5.xlarge"
  direct_internet_access = "Enabled"
  root_access            = "Enabled"
  kms_key_id             = aws_kms_key.ml.arn
}

# Endpoint logs kept forever.
resource "aws_cloudwatch_log_group" "endpoint" {
  name = "/aws/sagemaker/Endpoints/${local.prefix}-llm"
}
