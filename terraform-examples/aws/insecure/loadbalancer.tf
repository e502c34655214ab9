# Internet-facing ALB in front of the GPU inference hosts. HTTP is served as is (no
# redirect), HTTPS uses a policy that still negotiates TLS 1.0 and 1.1.

resource "aws_security_group" "alb" {
  name        = "${local.prefix}-alb"
  description = "Public inference load balancer"
  vpc_id      = module.network.vpc_id

  ingress {
    description      = "HTTP"
    from_port        = 80
    to_port          = 80
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    description      = "HTTPS"
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "inference" {
  name               = "${local.prefix}-inference"
  internal           = false
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = module.network.public_subnet_ids
}

resource "aws_lb_target_group" "inference" {
  name        = "${local.prefix}-tgi"
  port        = var.inference_port
  protocol    = "HTTP"
  target_type = "instance"
  vpc_id      = module.network.vpc_id

  health_check {
    path    = "/health"
    matcher = "200"
  }
}

resource "aws_lb_target_group_attachment" "inference" {
  count = var.inference_instance_count

  target_group_arn = aws_lb_target_group.inference.arn
  target_id        = aws_instance.inference[count.index].id
  port             = var.inference_port
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.inference.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.inference.arn
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.inference.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.inference.arn
  }
}
