# Internal ALB in front of the GPU inference hosts: reachable from inside the VPC only,
# TLS 1.2+ (TLS 1.3 preferred), HTTP only redirects, TLS again to the targets, and a
# rate-based WAF rule against model extraction and abuse.

resource "aws_security_group" "alb" {
  name        = "${local.prefix}-alb"
  description = "Internal inference load balancer"
  vpc_id      = module.network.vpc_id

  ingress {
    description = "HTTPS from the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  ingress {
    description = "HTTP from the VPC, redirected to HTTPS"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  egress {
    description = "TGI on the inference hosts"
    from_port   = var.inference_port
    to_port     = var.inference_port
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
}

resource "aws_lb" "inference" {
  name                       = "${local.prefix}-inference"
  internal                   = true
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.alb.id]
  subnets                    = module.network.private_subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = true
}

resource "aws_lb_target_group" "inference" {
  name        = "${local.prefix}-tgi"
  port        = var.inference_port
  protocol    = "HTTPS"
  target_type = "instance"
  vpc_id      = module.network.vpc_id

  health_check {
    path     = "/health"
    protocol = "HTTPS"
    matcher  = "200"
  }
}

resource "aws_lb_target_group_attachment" "inference" {
  count = var.inference_instance_count

  target_group_arn = aws_lb_target_group.inference.arn
  target_id        = aws_instance.inference[count.index].id
  port             = var.inference_port
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.inference.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.inference.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.inference.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_wafv2_web_acl" "inference" {
  name  = "${local.prefix}-inference"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 1

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = 600
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.prefix}-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${local.prefix}-inference"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "inference" {
  resource_arn = aws_lb.inference.arn
  web_acl_arn  = aws_wafv2_web_acl.inference.arn
}
