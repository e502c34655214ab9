# ---------------------------------------------------------------------------------------
# Model artifacts: referenced by the SageMaker model's model_data_url below.
# SSE-KMS with the customer key, every public access setting blocked, TLS-only policy,
# versioned, access-logged; captured inference requests expire.
# ---------------------------------------------------------------------------------------

resource "aws_s3_bucket" "models" {
  bucket = local.model_bucket
}

resource "aws_s3_bucket_server_side_encryption_configuration" "models" {
  bucket = aws_s3_bucket.models.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "models" {
  bucket = aws_s3_bucket.models.id

  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "models" {
  bucket = aws_s3_bucket.models.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.models.arn, "${aws_s3_bucket.models.arn}/*"]
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
      {
        Sid       = "SageMakerReadModels"
        Effect    = "Allow"
        Principal = { AWS = var.sagemaker_execution_role_arn }
        Action    = ["s3:GetObject", "s3:ListBucket"]
        Resource  = [aws_s3_bucket.models.arn, "${aws_s3_bucket.models.arn}/*"]
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.models]
}

resource "aws_s3_bucket_versioning" "models" {
  bucket = aws_s3_bucket.models.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "models" {
  bucket        = aws_s3_bucket.models.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "s3/${local.model_bucket}/"
}

# Data capture of the SageMaker endpoint lands under datacapture/: kept 30 days.
resource "aws_s3_bucket_lifecycle_configuration" "models" {
  bucket = aws_s3_bucket.models.id

  rule {
    id     = "expire-data-capture"
    status = "Enabled"

    filter {
      prefix = "datacapture/"
    }

    expiration {
      days = var.log_retention_days
    }
  }

  rule {
    id     = "expire-old-model-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
}

# ---------------------------------------------------------------------------------------
# Training data: tagged as such, same protections.
# ---------------------------------------------------------------------------------------

resource "aws_s3_bucket" "training" {
  bucket = local.training_bucket

  tags = {
    "training-data" = "true"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "training" {
  bucket = aws_s3_bucket.training.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "training" {
  bucket = aws_s3_bucket.training.id

  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "training" {
  bucket = aws_s3_bucket.training.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.training.arn, "${aws_s3_bucket.training.arn}/*"]
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.training]
}

resource "aws_s3_bucket_logging" "training" {
  bucket        = aws_s3_bucket.training.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "s3/${local.training_bucket}/"
}

# ---------------------------------------------------------------------------------------
# Server access logs of the two buckets above. S3 log delivery only supports SSE-S3 on
# the target bucket, which is S3's default. The account-wide public access block covers
# it.
# ---------------------------------------------------------------------------------------

resource "aws_s3_bucket" "access_logs" {
  bucket = local.logs_bucket
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "S3ServerAccessLogs"
        Effect    = "Allow"
        Principal = { Service = "logging.s3.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.access_logs.arn}/s3/*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.account_id }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.access_logs.arn, "${aws_s3_bucket.access_logs.arn}/*"]
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
    ]
  })
}
