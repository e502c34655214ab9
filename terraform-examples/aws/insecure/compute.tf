# ---------------------------------------------------------------------------------------
# Security groups
# ---------------------------------------------------------------------------------------

# Inference hosts: inline rules. SSH and Jupyter from anywhere (IPv4 and IPv6), and the
# model server's port straight from the internet, bypassing the load balancer.
resource "aws_security_group" "inference" {
  name        = "${local.prefix}-inference"
  description = "GPU inference hosts"
  vpc_id      = module.network.vpc_id

  ingress {
    description      = "SSH"
    from_port        = 22
    to_port          = 22
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    description      = "Jupyter"
    from_port        = 8888
    to_port          = 8888
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    description = "TGI model server"
    from_port   = var.inference_port
    to_port     = var.inference_port
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = local.ai_tags
}

# Training host: rules as separate resources (both styles of the AWS provider).
resource "aws_security_group" "training" {
  name        = "${local.prefix}-training"
  description = "GPU training host"
  vpc_id      = module.network.vpc_id
}

resource "aws_security_group_rule" "training_ssh" {
  type              = "ingress"
  description       = "SSH for the researchers"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  ipv6_cidr_blocks  = ["::/0"]
  security_group_id = aws_security_group.training.id
}

resource "aws_vpc_security_group_ingress_rule" "training_jupyter_v4" {
  security_group_id = aws_security_group.training.id
  description       = "JupyterLab"
  ip_protocol       = "tcp"
  from_port         = 8888
  to_port           = 8888
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "training_jupyter_v6" {
  security_group_id = aws_security_group.training.id
  description       = "JupyterLab over IPv6"
  ip_protocol       = "tcp"
  from_port         = 8888
  to_port           = 8888
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_egress_rule" "training_all" {
  security_group_id = aws_security_group.training.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# ---------------------------------------------------------------------------------------
# GPU hosts: public IPs, IMDSv1, unencrypted disks, a secret in the user data.
# ---------------------------------------------------------------------------------------

resource "aws_instance" "inference" {
  count = var.inference_instance_count

  ami                         = var.gpu_ami
  instance_type               = var.inference_instance_type
  subnet_id                   = module.network.public_subnet_ids[count.index % length(var.azs)]
  vpc_security_group_ids      = [aws_security_group.inference.id]
  associate_public_ip_address = true
  key_name                    = var.ssh_key_name

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "optional"
  }

  root_block_device {
    volume_size = 200
    volume_type = "gp3"
    encrypted   = false
  }

  tags = merge(local.ai_tags, {
    Name = "${local.prefix}-inference-${count.index}"
  })
}

resource "aws_instance" "training" {
  ami                         = var.gpu_ami
  instance_type               = var.training_instance_type
  subnet_id                   = module.network.public_subnet_ids[0]
  vpc_security_group_ids      = [aws_security_group.training.id]
  associate_public_ip_address = true
  key_name                    = var.ssh_key_name

  # No metadata_options block: IMDSv1 stays available (the provider default is
  # http_tokens = "optional").

  root_block_device {
    volume_size = 500
    volume_type = "gp3"
  }

  user_data = <<-EOT
    #!/bin/bash
    echo "WANDB_API_KEY=${var.wandb_api_key}" >> /etc/environment
    echo "HF_TOKEN=hf_CANARYCANARYCANARY0001" >> /etc/environment
  EOT

  tags = {
    Name = "${local.prefix}-training"
  }
}

# Training data scratch volume, unencrypted.
resource "aws_ebs_volume" "datasets" {
  availability_zone = var.azs[0]
  size              = 2000
  type              = "gp3"
  encrypted         = false

  tags = {
    Name = "${local.prefix}-datasets"
  }
}

resource "aws_volume_attachment" "datasets" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.datasets.id
  instance_id = aws_instance.training.id
}
