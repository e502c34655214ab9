"""Synthetic Terraform corpora: a realistic AWS AI stack repeated to about N resources.

The Terraform benchmark compares our scan with checkov's on the same code, so the code
must look like what CI scans: one root module with variables (some without a default,
so values are unknown), locals, data sources, interpolations, `jsonencode` policies,
`merge()`d tags, resources that reference each other, S3 configuration split over the
aws_s3_bucket_* resources, separate security group rule resources next to inline
rules, a `dynamic` block, and two local modules called many times. Each repetition (a
"stack": one team's inference service) is drawn from a seeded random.Random and is
insecure in a few places, so that both tools report failures as they would in real use.

The corpus is one root (DIR/*.tf) plus DIR/modules/{gpu_node,artifact_bucket}: the
shape `auditor scan --terraform DIR` and `checkov -d DIR` both take as one project.

    python -m bench.gen_terraform --resources 1500 --out DIR
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Resources each module declares (counted once per call).
GPU_NODE_RESOURCES = 5
ARTIFACT_BUCKET_RESOURCES = 6

VERSIONS_TF = """\
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = local.common_tags
  }
}
"""

VARIABLES_TF = """\
variable "region" {
  type    = string
  default = "us-east-1"
}

variable "env" {
  type        = string
  description = "deployment environment"
  default     = "prod"
}

variable "gpu_ami" {
  type    = string
  default = "ami-0123456789abcdef0"
}

variable "cpu_ami" {
  type    = string
  default = "ami-0fedcba9876543210"
}

variable "admin_cidrs" {
  type    = list(string)
  default = ["10.20.0.0/16"]
}

# No default: the value comes from the pipeline, so it is unknown to a static scan.
variable "certificate_arn" {
  type = string
}

variable "tags" {
  type = map(string)
  default = {
    owner = "ml-platform"
  }
}
"""

LOCALS_TF = """\
data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  name_prefix = "${var.env}-ml"
  account_id  = data.aws_caller_identity.current.account_id
  common_tags = merge(var.tags, {
    environment = var.env
    managed-by  = "terraform"
  })
  tls_policy      = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  inference_image = "${local.account_id}.dkr.ecr.${var.region}.amazonaws.com"
}
"""

NETWORK_TF = """\
resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(local.common_tags, { Name = "${local.name_prefix}-vpc" })
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 4, 0)
  availability_zone = "${var.region}a"
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 4, 1)
  availability_zone = "${var.region}b"
}

resource "aws_subnet" "public_a" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(aws_vpc.main.cidr_block, 4, 8)
  availability_zone       = "${var.region}a"
  map_public_ip_on_launch = true
}

resource "aws_subnet" "public_b" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(aws_vpc.main.cidr_block, 4, 9)
  availability_zone       = "${var.region}b"
  map_public_ip_on_launch = true
}
"""
NETWORK_RESOURCES = 5

GPU_NODE_VARIABLES_TF = """\
variable "name" {
  type = string
}

variable "instance_type" {
  type    = string
  default = "g5.xlarge"
}

variable "ami" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_id" {
  type = string
}

variable "ingress_rules" {
  description = "port and CIDRs allowed in"
  type = list(object({
    port  = number
    cidrs = list(string)
  }))
  default = []
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "imdsv2" {
  type    = bool
  default = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
"""

GPU_NODE_MAIN_TF = """\
resource "aws_security_group" "node" {
  name        = "${var.name}-node"
  description = "GPU node ${var.name}"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = var.ingress_rules
    content {
      description = "rule ${ingress.key}"
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "node_self" {
  security_group_id            = aws_security_group.node.id
  referenced_security_group_id = aws_security_group.node.id
  ip_protocol                  = "tcp"
  from_port                    = 29500
  to_port                      = 29500
  description                  = "NCCL between nodes"
}

resource "aws_instance" "node" {
  ami                         = var.ami
  instance_type               = var.instance_type
  subnet_id                   = var.subnet_id
  vpc_security_group_ids      = [aws_security_group.node.id]
  associate_public_ip_address = false
  ebs_optimized               = true
  monitoring                  = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = var.imdsv2 ? "required" : "optional"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    volume_size = 200
    volume_type = "gp3"
    encrypted   = true
    kms_key_id  = var.kms_key_arn
  }

  tags = merge(var.tags, { Name = var.name, ai-workload = "true" })
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = aws_instance.node.availability_zone
  size              = 1000
  type              = "gp3"
  encrypted         = var.kms_key_arn != null
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_volume_attachment" "scratch" {
  device_name = "/dev/sdh"
  volume_id   = aws_ebs_volume.scratch.id
  instance_id = aws_instance.node.id
}
"""

GPU_NODE_OUTPUTS_TF = """\
output "instance_id" {
  value = aws_instance.node.id
}

output "security_group_id" {
  value = aws_security_group.node.id
}
"""

ARTIFACT_BUCKET_VARIABLES_TF = """\
variable "bucket" {
  type = string
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "log_bucket" {
  type    = string
  default = null
}

variable "block_public" {
  type    = bool
  default = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
"""

ARTIFACT_BUCKET_MAIN_TF = """\
resource "aws_s3_bucket" "this" {
  bucket = var.bucket
  tags   = merge(var.tags, { model-artifacts = "true" })
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = var.block_public
  ignore_public_acls      = var.block_public
  block_public_policy     = var.block_public
  restrict_public_buckets = var.block_public
}

resource "aws_s3_bucket_policy" "tls_only" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_s3_bucket_logging" "this" {
  bucket        = aws_s3_bucket.this.id
  target_bucket = coalesce(var.log_bucket, aws_s3_bucket.this.id)
  target_prefix = "access/${var.bucket}/"
}
"""

ARTIFACT_BUCKET_OUTPUTS_TF = """\
output "bucket" {
  value = aws_s3_bucket.this.bucket
}

output "arn" {
  value = aws_s3_bucket.this.arn
}
"""

MODULE_FILES: dict[str, dict[str, str]] = {
    "gpu_node": {
        "main.tf": GPU_NODE_MAIN_TF,
        "variables.tf": GPU_NODE_VARIABLES_TF,
        "outputs.tf": GPU_NODE_OUTPUTS_TF,
    },
    "artifact_bucket": {
        "main.tf": ARTIFACT_BUCKET_MAIN_TF,
        "variables.tf": ARTIFACT_BUCKET_VARIABLES_TF,
        "outputs.tf": ARTIFACT_BUCKET_OUTPUTS_TF,
    },
}

GPU_TYPES = ("g5.2xlarge", "g5.12xlarge", "p4d.24xlarge", "inf2.xlarge", "g6.xlarge")
TEAMS = ("nlp", "vision", "recsys", "search", "fraud", "speech", "genai", "ranking")
PRIVATE_SUBNETS = "[aws_subnet.private_a.id, aws_subnet.private_b.id]"
PUBLIC_SUBNETS = "[aws_subnet.public_a.id, aws_subnet.public_b.id]"
OLD_TLS_POLICIES = ("ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-0-2015-04")


@dataclass
class Corpus:
    """What was written: where, and how many resources of which type (modules expanded)."""

    path: Path
    stacks: int = 0
    resources: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def _flag(rng: random.Random, p_insecure: float) -> bool:
    """True for the secure choice; insecure with probability p_insecure."""
    return rng.random() >= p_insecure


def stack_tf(i: int, rng: random.Random) -> tuple[str, int, bool]:
    """One team's inference stack: (HCL text, resources in this file, calls gpu_node?)."""
    team = TEAMS[i % len(TEAMS)]
    n = f"{team}_{i:04d}"
    slug = f"{team}-{i:04d}"
    gpu_type = rng.choice(GPU_TYPES)
    kms_rotation = _flag(rng, 0.2)
    public_lb = not _flag(rng, 0.35)
    http_redirect = _flag(rng, 0.25)
    tls_policy = "local.tls_policy" if _flag(rng, 0.2) else f'"{rng.choice(OLD_TLS_POLICIES)}"'
    imdsv2 = _flag(rng, 0.2)
    public_ip = not _flag(rng, 0.1)
    ssh_cidrs = "var.admin_cidrs" if _flag(rng, 0.1) else '["0.0.0.0/0"]'
    cache_encrypted = _flag(rng, 0.15)
    capture_pab = _flag(rng, 0.1)
    capture_kms = _flag(rng, 0.3)
    scan_on_push = _flag(rng, 0.3)
    immutable = _flag(rng, 0.5)
    endpoint_kms = _flag(rng, 0.3)
    isolation = _flag(rng, 0.4)
    image_ref = (
        f'"${{aws_ecr_repository.model_{n}.repository_url}}@sha256:{rng.getrandbits(256):064x}"'
        if _flag(rng, 0.5)
        else f'"${{aws_ecr_repository.model_{n}.repository_url}}:latest"'
    )
    with_gpu_pool = i % 2 == 0
    artifacts_public = not _flag(rng, 0.05)

    capture_sse = (
        f'sse_algorithm = "aws:kms"\n      kms_master_key_id = aws_kms_key.ai_{n}.arn'
        if capture_kms
        else 'sse_algorithm = "AES256"'
    )
    http_action = (
        """default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }"""
        if http_redirect
        else f"""default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.api_{n}.arn
  }}"""
    )
    capture_pab_block = (
        f"""
resource "aws_s3_bucket_public_access_block" "capture_{n}" {{
  bucket                  = aws_s3_bucket.capture_{n}.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}}
"""
        if capture_pab
        else ""
    )
    gpu_pool = (
        f"""
module "gpu_pool_{n}" {{
  source        = "./modules/gpu_node"
  name          = "{slug}-train"
  instance_type = "{rng.choice(GPU_TYPES)}"
  ami           = var.gpu_ami
  vpc_id        = aws_vpc.main.id
  subnet_id     = aws_subnet.private_{"ab"[i % 2]}.id
  kms_key_arn   = aws_kms_key.ai_{n}.arn
  imdsv2        = {"true" if _flag(rng, 0.15) else "false"}
  ingress_rules = [
    {{ port = 22, cidrs = {ssh_cidrs} }},
    {{ port = 8888, cidrs = {'["0.0.0.0/0"]' if not _flag(rng, 0.05) else "var.admin_cidrs"} }},
  ]
  tags = merge(local.common_tags, {{ team = "{team}" }})
}}
"""
        if with_gpu_pool
        else ""
    )

    text = f"""\
# Inference stack {slug}: model artifacts, a GPU inference host behind a load balancer,
# a SageMaker endpoint, and their keys, registries and logs.

resource "aws_kms_key" "ai_{n}" {{
  description             = "AI data of {slug}"
  deletion_window_in_days = 30
  enable_key_rotation     = {str(kms_rotation).lower()}
  tags                    = merge(local.common_tags, {{ team = "{team}" }})
}}

resource "aws_kms_alias" "ai_{n}" {{
  name          = "alias/{slug}-ai"
  target_key_id = aws_kms_key.ai_{n}.key_id
}}

module "artifacts_{n}" {{
  source       = "./modules/artifact_bucket"
  bucket       = "${{local.name_prefix}}-{slug}-artifacts"
  kms_key_arn  = {"aws_kms_key.ai_" + n + ".arn" if _flag(rng, 0.3) else "null"}
  log_bucket   = aws_s3_bucket.training_{n}.id
  block_public = {str(artifacts_public).lower()}
  tags         = merge(local.common_tags, {{ team = "{team}" }})
}}

resource "aws_s3_bucket" "training_{n}" {{
  bucket = "${{local.name_prefix}}-{slug}-training-data"
  tags   = merge(local.common_tags, {{ team = "{team}", training-data = "true" }})
}}

resource "aws_s3_bucket_versioning" "training_{n}" {{
  bucket = aws_s3_bucket.training_{n}.id
  versioning_configuration {{
    status = "{"Enabled" if _flag(rng, 0.3) else "Suspended"}"
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "training_{n}" {{
  bucket = aws_s3_bucket.training_{n}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ai_{n}.arn
    }}
  }}
}}

resource "aws_s3_bucket_public_access_block" "training_{n}" {{
  bucket                  = aws_s3_bucket.training_{n}.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}}

resource "aws_s3_bucket" "capture_{n}" {{
  bucket        = "${{local.name_prefix}}-{slug}-data-capture"
  force_destroy = false
  tags          = local.common_tags
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "capture_{n}" {{
  bucket = aws_s3_bucket.capture_{n}.id
  rule {{
    apply_server_side_encryption_by_default {{
      {capture_sse}
    }}
  }}
}}

resource "aws_s3_bucket_lifecycle_configuration" "capture_{n}" {{
  bucket = aws_s3_bucket.capture_{n}.id
  rule {{
    id     = "expire-captures"
    status = "Enabled"
    filter {{
      prefix = "capture/"
    }}
    expiration {{
      days = {rng.choice((30, 90, 400))}
    }}
  }}
}}
{capture_pab_block}
resource "aws_security_group" "lb_{n}" {{
  name        = "{slug}-lb"
  description = "HTTPS into the {slug} inference API"
  vpc_id      = aws_vpc.main.id

  ingress {{
    description      = "HTTPS"
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }}

  ingress {{
    description = "HTTP, redirected"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_security_group" "app_{n}" {{
  name        = "{slug}-app"
  description = "{slug} inference hosts"
  vpc_id      = aws_vpc.main.id
  tags        = local.common_tags
}}

resource "aws_security_group_rule" "app_{n}_from_lb" {{
  type                     = "ingress"
  security_group_id        = aws_security_group.app_{n}.id
  source_security_group_id = aws_security_group.lb_{n}.id
  protocol                 = "tcp"
  from_port                = 8080
  to_port                  = 8080
  description              = "from the load balancer"
}}

resource "aws_security_group_rule" "app_{n}_ssh" {{
  type              = "ingress"
  security_group_id = aws_security_group.app_{n}.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = {ssh_cidrs}
  description       = "SSH for operators"
}}

resource "aws_instance" "inference_{n}" {{
  ami                         = var.gpu_ami
  instance_type               = "{gpu_type}"
  subnet_id                   = aws_subnet.private_{"ab"[i % 2]}.id
  vpc_security_group_ids      = [aws_security_group.app_{n}.id]
  associate_public_ip_address = {str(public_ip).lower()}
  iam_instance_profile        = "{slug}-inference"

  metadata_options {{
    http_endpoint = "enabled"
    http_tokens   = "{"required" if imdsv2 else "optional"}"
  }}

  root_block_device {{
    volume_size = 200
    encrypted   = true
    kms_key_id  = aws_kms_key.ai_{n}.arn
  }}

  tags = merge(local.common_tags, {{ Name = "{slug}-inference", team = "{team}" }})
}}

resource "aws_instance" "worker_{n}" {{
  ami                    = var.cpu_ami
  instance_type          = "t3.large"
  subnet_id              = aws_subnet.private_{"ab"[(i + 1) % 2]}.id
  vpc_security_group_ids = [aws_security_group.app_{n}.id]

  metadata_options {{
    http_tokens = "required"
  }}

  tags = merge(local.common_tags, {{ Name = "{slug}-worker" }})
}}

resource "aws_ebs_volume" "cache_{n}" {{
  availability_zone = aws_instance.inference_{n}.availability_zone
  size              = 500
  encrypted         = {str(cache_encrypted).lower()}
  tags              = local.common_tags
}}

resource "aws_volume_attachment" "cache_{n}" {{
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.cache_{n}.id
  instance_id = aws_instance.inference_{n}.id
}}

resource "aws_lb" "api_{n}" {{
  name                       = "{slug}-api"
  internal                   = {str(not public_lb).lower()}
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.lb_{n}.id]
  subnets                    = {PUBLIC_SUBNETS if public_lb else PRIVATE_SUBNETS}
  drop_invalid_header_fields = true
  tags                       = local.common_tags
}}

resource "aws_lb_target_group" "api_{n}" {{
  name     = "{slug}-api"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id

  health_check {{
    path    = "/health"
    matcher = "200"
  }}
}}

resource "aws_lb_target_group_attachment" "api_{n}_inference" {{
  target_group_arn = aws_lb_target_group.api_{n}.arn
  target_id        = aws_instance.inference_{n}.id
  port             = 8080
}}

resource "aws_lb_target_group_attachment" "api_{n}_worker" {{
  target_group_arn = aws_lb_target_group.api_{n}.arn
  target_id        = aws_instance.worker_{n}.id
  port             = 8080
}}

resource "aws_lb_listener" "api_{n}_https" {{
  load_balancer_arn = aws_lb.api_{n}.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = {tls_policy}
  certificate_arn   = var.certificate_arn

  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.api_{n}.arn
  }}
}}

resource "aws_lb_listener" "api_{n}_http" {{
  load_balancer_arn = aws_lb.api_{n}.arn
  port              = 80
  protocol          = "HTTP"

  {http_action}
}}

resource "aws_ecr_repository" "model_{n}" {{
  name                 = "ml/{slug}"
  image_tag_mutability = "{"IMMUTABLE" if immutable else "MUTABLE"}"

  image_scanning_configuration {{
    scan_on_push = {str(scan_on_push).lower()}
  }}

  encryption_configuration {{
    encryption_type = "KMS"
    kms_key         = aws_kms_key.ai_{n}.arn
  }}
}}

resource "aws_iam_role" "sagemaker_{n}" {{
  name = "{slug}-sagemaker"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = {{ Service = "sagemaker.amazonaws.com" }}
    }}]
  }})
}}

resource "aws_iam_role_policy_attachment" "sagemaker_{n}" {{
  role       = aws_iam_role.sagemaker_{n}.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}}

resource "aws_sagemaker_model" "llm_{n}" {{
  name                     = "{slug}-llm"
  execution_role_arn       = aws_iam_role.sagemaker_{n}.arn
  enable_network_isolation = {str(isolation).lower()}

  primary_container {{
    image          = {image_ref}
    model_data_url = "s3://${{module.artifacts_{n}.bucket}}/models/{slug}/model.tar.gz"
    environment = {{
      HF_MODEL_ID  = "/opt/ml/model"
      SM_NUM_GPUS  = "1"
      HF_API_TOKEN = "redacted-in-snapshots"
    }}
  }}

  vpc_config {{
    subnets            = {PRIVATE_SUBNETS}
    security_group_ids = [aws_security_group.app_{n}.id]
  }}
}}

resource "aws_sagemaker_endpoint_configuration" "llm_{n}" {{
  name        = "{slug}-llm"
  kms_key_arn = {"aws_kms_key.ai_" + n + ".arn" if endpoint_kms else "null"}

  production_variants {{
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.llm_{n}.name
    instance_type          = "ml.g5.2xlarge"
    initial_instance_count = 1
  }}

  data_capture_config {{
    enable_capture              = true
    initial_sampling_percentage = 10
    destination_s3_uri          = "s3://${{aws_s3_bucket.capture_{n}.bucket}}/capture/"
    kms_key_id                  = aws_kms_key.ai_{n}.arn

    capture_options {{
      capture_mode = "Input"
    }}

    capture_options {{
      capture_mode = "Output"
    }}
  }}
}}

resource "aws_sagemaker_endpoint" "llm_{n}" {{
  name                 = "{slug}-llm"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.llm_{n}.name
  tags                 = merge(local.common_tags, {{ ai-workload = "true" }})
}}

resource "aws_cloudwatch_log_group" "llm_{n}" {{
  name              = "/aws/sagemaker/Endpoints/{slug}-llm"
  retention_in_days = {rng.choice((14, 30, 90, 0))}
  kms_key_id        = aws_kms_key.ai_{n}.arn
}}
{gpu_pool}"""
    count = text.count('\nresource "') + (1 if text.startswith('resource "') else 0)
    count += ARTIFACT_BUCKET_RESOURCES + (GPU_NODE_RESOURCES if with_gpu_pool else 0)
    return text, count, with_gpu_pool


def generate_terraform(n: int, out: Path, seed: int = 1) -> Corpus:
    """Write stacks under `out` (replacing it) until about `n` resources are declared.

    `n` counts what a scanner sees: resource blocks of the root, plus each module's
    resources once per call.
    """
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    corpus = Corpus(path=out)
    for name, text in (
        ("versions.tf", VERSIONS_TF),
        ("variables.tf", VARIABLES_TF),
        ("locals.tf", LOCALS_TF),
        ("network.tf", NETWORK_TF),
    ):
        (out / name).write_text(text)
        corpus.files.append(out / name)
    for module, files in MODULE_FILES.items():
        folder = out / "modules" / module
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).write_text(text)
            corpus.files.append(folder / name)
    corpus.resources = NETWORK_RESOURCES
    rng = random.Random(seed)
    while corpus.resources < n:
        text, count, _ = stack_tf(corpus.stacks, rng)
        path = out / f"stack_{corpus.stacks:04d}.tf"
        path.write_text(text)
        corpus.files.append(path)
        corpus.stacks += 1
        corpus.resources += count
    corpus.by_type = count_types(out)
    (out / "corpus.json").write_text(
        json.dumps(
            {
                "resources": corpus.resources,
                "stacks": corpus.stacks,
                "seed": seed,
                "by_type": corpus.by_type,
            },
            indent=1,
        )
    )
    return corpus


def count_types(root: Path) -> dict[str, int]:
    """Resource blocks by type, each module's counted once per call (as scanners see them)."""

    def blocks(folder: Path) -> dict[str, int]:
        found: dict[str, int] = {}
        for tf in sorted(folder.glob("*.tf")):
            for line in tf.read_text().splitlines():
                if line.startswith('resource "'):
                    rtype = line.split('"')[1]
                    found[rtype] = found.get(rtype, 0) + 1
        return found

    total = blocks(root)
    for module in MODULE_FILES:
        call = re.compile(rf'^\s*source\s*=\s*"\./modules/{module}"', re.MULTILINE)
        calls = sum(len(call.findall(tf.read_text())) for tf in root.glob("*.tf"))
        for rtype, k in blocks(root / "modules" / module).items():
            total[rtype] = total.get(rtype, 0) + k * calls
    return dict(sorted(total.items()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.gen_terraform", description="Write a synthetic Terraform corpus."
    )
    parser.add_argument("--resources", type=int, default=1500, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, metavar="DIR")
    args = parser.parse_args(argv)
    corpus = generate_terraform(args.resources, Path(args.out), args.seed)
    print(
        f"{corpus.path}: {corpus.resources} resources in {corpus.stacks} stacks, "
        f"{len(corpus.files)} files",
        file=sys.stderr,
    )
    for rtype, count in corpus.by_type.items():
        print(f"  {rtype:55} {count:>6}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
