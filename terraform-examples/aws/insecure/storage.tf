# ---------------------------------------------------------------------------------------
# Model artifacts: referenced by the SageMaker model's model_data_url below.
# ---------------------------------------------------------------------------------------

resource "aws_s3_bucket" "models" {
  bucket        = local.model_bucket
  force_destroy = true
}

# "Encrypted with KMS", but with the AWS-managed key: anyone with s3:GetObject in the
# account can read the weights, and the key policy cannot be scoped.
resource "aws_s3_bucket_server_side_encryption_configuration" "models" {
  bucket = aws_s3_bucket.models.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "alias/aws/s3"
    }
  }
}

# Switched off "so that the demo notebook can download the weights".
resource "aws_s3_bucket_public_access_block" "models" {
  bucket = aws_s3_bucket.models.id

  block_public_acls       = false
  ignore_public_acls      = false
  block_public_policy     = false
  restrict_public_buckets = false
}

# Anyone on the internet may read the model weights; plain HTTP is allowed.
resource "aws_s3_bucket_policy" "models" {
  bucket = aws_s3_bucket.models.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PublicReadModels"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:GetObject"]
        Resource  = ["arn:aws:s3:::${local.model_bucket}/*"]
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.models]
}

resource "aws_s3_bucket_versioning" "models" {
  bucket = aws_s3_bucket.models.id

  versioning_configuration {
    status = "Suspended"
  }
}

# ---------------------------------------------------------------------------------------
# Training data: tagged as such; public-read ACL, no public access block, and no
# encryption configuration at all (S3's default SSE-S3 applies).
# ---------------------------------------------------------------------------------------

resource "aws_s3_bucket" "training" {
  bucket = local.training_bucket

  tags = {
    "training-data" = "true"
  }
}

resource "aws_s3_bucket_ownership_controls" "training" {
  bucket = aws_s3_bucket.training.id

  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket_acl" "training" {
  bucket = aws_s3_bucket.training.id
  acl    = "public-read"

  depends_on = [aws_s3_bucket_ownership_controls.training]
}
