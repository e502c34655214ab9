# ---------------------------------------------------------------------------------------
# Model image registry: immutable tags, scan on push, encrypted with the ML key.
# ---------------------------------------------------------------------------------------

resource "aws_ecr_repository" "llm" {
  name                 = "${local.prefix}-llm"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.ml.arn
  }

  tags = local.ai_tags
}

# ---------------------------------------------------------------------------------------
# SageMaker real-time endpoint: in the private subnets with network isolation, image
# pinned by digest, no secret in the environment, volumes and captured requests
# encrypted with the ML key.
# ---------------------------------------------------------------------------------------

resource "aws_security_group" "sagemaker" {
  name        = "${local.prefix}-sagemaker"
  description = "SageMaker model containers and notebooks"
  vpc_id      = module.network.vpc_id

  egress {
    description = "HTTPS to the VPC endpoints"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
}

resource "aws_sagemaker_model" "llm" {
  name                     = "${local.prefix}-llm"
  execution_role_arn       = var.sagemaker_execution_role_arn
  enable_network_isolation = true

  primary_container {
    image          = "${local.ecr_registry}/${aws_ecr_repository.llm.name}@${var.llm_image_digest}"
    model_data_url = "s3://${aws_s3_bucket.models.bucket}/model.tar.gz"

    environment = {
      HF_MODEL_ID      = "/opt/ml/model"
      SM_NUM_GPUS      = "4"
      MAX_INPUT_TOKENS = "4096"
    }
  }

  vpc_config {
    subnets            = module.network.private_subnet_ids
    security_group_ids = [aws_security_group.sagemaker.id]
  }

  tags = local.ai_tags
}

resource "aws_sagemaker_endpoint_configuration" "llm" {
  name        = "${local.prefix}-llm"
  kms_key_arn = aws_kms_key.ml.arn

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.llm.name
    initial_instance_count = 2
    instance_type          = "ml.g5.12xlarge"
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 10
    destination_s3_uri          = "s3://${aws_s3_bucket.models.bucket}/datacapture"
    kms_key_id                  = aws_kms_key.ml.arn

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

# Research notebook: in a private subnet, no direct internet access, no root, volume
# encrypted with the ML key.
resource "aws_sagemaker_notebook_instance" "research" {
  name                   = "${local.prefix}-research"
  role_arn               = var.sagemaker_execution_role_arn
  instance_type          = "ml.g5.xlarge"
  direct_internet_access = "Disabled"
  root_access            = "Disabled"
  kms_key_id             = aws_kms_key.ml.arn
  subnet_id              = module.network.private_subnet_ids[0]
  security_groups        = [aws_security_group.sagemaker.id]
}

# Endpoint logs kept for the retention period, encrypted with the ML key.
resource "aws_cloudwatch_log_group" "endpoint" {
  name              = "/aws/sagemaker/Endpoints/${local.prefix}-llm"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.ml.arn
}
