# ---------------------------------------------------------------------------------------
# Security groups: nothing from the internet. The inference hosts admit only the load
# balancer's group on the model server port; the training host admits only itself
# (NCCL between processes). Shell access is through SSM Session Manager, not SSH.
# ---------------------------------------------------------------------------------------

resource "aws_security_group" "inference" {
  name        = "${local.prefix}-inference"
  description = "GPU inference hosts"
  vpc_id      = module.network.vpc_id

  tags = local.ai_tags
}

resource "aws_vpc_security_group_ingress_rule" "inference_from_alb" {
  security_group_id            = aws_security_group.inference.id
  description                  = "TGI over TLS from the internal load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.inference_port
  to_port                      = var.inference_port
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_vpc_security_group_egress_rule" "inference_vpc_https" {
  security_group_id = aws_security_group.inference.id
  description       = "HTTPS to the VPC endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr
}

resource "aws_security_group" "training" {
  name        = "${local.prefix}-training"
  description = "GPU training host"
  vpc_id      = module.network.vpc_id
}

resource "aws_security_group_rule" "training_nccl" {
  type              = "ingress"
  description       = "NCCL and EFA traffic between training processes"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  self              = true
  security_group_id = aws_security_group.training.id
}

resource "aws_security_group_rule" "training_egress_vpc" {
  type              = "egress"
  description       = "VPC endpoints and the other training processes"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = [var.vpc_cidr]
  security_group_id = aws_security_group.training.id
}

# ---------------------------------------------------------------------------------------
# GPU hosts: private subnets, no public IP, IMDSv2 only, every volume encrypted with the
# ML key. Secrets come from Secrets Manager through the instance profile.
# ---------------------------------------------------------------------------------------

resource "aws_instance" "inference" {
  count = var.inference_instance_count

  ami                         = var.gpu_ami
  instance_type               = var.inference_instance_type
  subnet_id                   = module.network.private_subnet_ids[count.index % length(var.azs)]
  vpc_security_group_ids      = [aws_security_group.inference.id]
  associate_public_ip_address = false
  iam_instance_profile        = var.gpu_instance_profile

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    volume_size = 200
    volume_type = "gp3"
    encrypted   = true
    kms_key_id  = aws_kms_key.ml.arn
  }

  tags = merge(local.ai_tags, {
    Name = "${local.prefix}-inference-${count.index}"
  })
}

resource "aws_instance" "training" {
  ami                         = var.gpu_ami
  instance_type               = var.training_instance_type
  subnet_id                   = module.network.private_subnet_ids[0]
  vpc_security_group_ids      = [aws_security_group.training.id]
  associate_public_ip_address = false
  iam_instance_profile        = var.gpu_instance_profile

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    volume_size = 500
    volume_type = "gp3"
    encrypted   = true
    kms_key_id  = aws_kms_key.ml.arn
  }

  tags = {
    Name = "${local.prefix}-training"
  }
}

resource "aws_ebs_volume" "datasets" {
  availability_zone = var.azs[0]
  size              = 2000
  type              = "gp3"
  encrypted         = true
  kms_key_id        = aws_kms_key.ml.arn

  tags = {
    Name = "${local.prefix}-datasets"
  }
}

resource "aws_volume_attachment" "datasets" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.datasets.id
  instance_id = aws_instance.training.id
}
