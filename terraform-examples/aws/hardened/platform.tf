# ---------------------------------------------------------------------------------------
# EKS cluster for batch inference jobs: private API endpoint only, secrets
# envelope-encrypted with the ML key, control-plane audit logs on.
# ---------------------------------------------------------------------------------------

resource "aws_eks_cluster" "ml" {
  name                      = "${local.prefix}-ml"
  role_arn                  = var.eks_cluster_role_arn
  version                   = "1.29"
  enabled_cluster_log_types = ["api", "audit", "authenticator"]

  vpc_config {
    subnet_ids              = module.network.private_subnet_ids
    endpoint_public_access  = false
    endpoint_private_access = true
  }

  encryption_config {
    resources = ["secrets"]

    provider {
      key_arn = aws_kms_key.ml.arn
    }
  }

  tags = local.ai_tags
}

# GPU node group: tainted so that only pods tolerating nvidia.com/gpu land, no SSH.
resource "aws_eks_node_group" "gpu" {
  cluster_name    = aws_eks_cluster.ml.name
  node_group_name = "gpu"
  node_role_arn   = var.eks_node_role_arn
  subnet_ids      = module.network.private_subnet_ids
  instance_types  = ["g5.2xlarge"]
  ami_type        = "AL2_x86_64_GPU"

  scaling_config {
    desired_size = 2
    min_size     = 0
    max_size     = 4
  }

  labels = {
    "nvidia.com/gpu.present" = "true"
  }

  taint {
    key    = "nvidia.com/gpu"
    value  = "true"
    effect = "NO_SCHEDULE"
  }
}

# GuardDuty on, with runtime monitoring of the EC2 hosts and EKS nodes (crypto-mining on
# the GPUs is its first finding type).
resource "aws_guardduty_detector" "main" {
  enable                       = true
  finding_publishing_frequency = "FIFTEEN_MINUTES"
}

resource "aws_guardduty_detector_feature" "runtime_monitoring" {
  detector_id = aws_guardduty_detector.main.id
  name        = "RUNTIME_MONITORING"
  status      = "ENABLED"

  additional_configuration {
    name   = "EKS_ADDON_MANAGEMENT"
    status = "ENABLED"
  }

  additional_configuration {
    name   = "EC2_AGENT_MANAGEMENT"
    status = "ENABLED"
  }
}

# ---------------------------------------------------------------------------------------
# Inference API: IAM-signed requests only, throttled per stage.
# ---------------------------------------------------------------------------------------

resource "aws_api_gateway_rest_api" "inference" {
  name = "${local.prefix}-inference"

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "generate" {
  rest_api_id = aws_api_gateway_rest_api.inference.id
  parent_id   = aws_api_gateway_rest_api.inference.root_resource_id
  path_part   = "generate"
}

resource "aws_api_gateway_method" "generate" {
  rest_api_id      = aws_api_gateway_rest_api.inference.id
  resource_id      = aws_api_gateway_resource.generate.id
  http_method      = "POST"
  authorization    = "AWS_IAM"
  api_key_required = false
}

resource "aws_api_gateway_integration" "generate" {
  rest_api_id             = aws_api_gateway_rest_api.inference.id
  resource_id             = aws_api_gateway_resource.generate.id
  http_method             = aws_api_gateway_method.generate.http_method
  type                    = "AWS"
  integration_http_method = "POST"
  uri                     = "arn:aws:apigateway:${var.region}:runtime.sagemaker:path//endpoints/${aws_sagemaker_endpoint.llm.name}/invocations"
  credentials             = var.sagemaker_execution_role_arn
}

resource "aws_api_gateway_deployment" "inference" {
  rest_api_id = aws_api_gateway_rest_api.inference.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.generate.id,
      aws_api_gateway_method.generate.id,
      aws_api_gateway_integration.generate.id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "v1" {
  rest_api_id   = aws_api_gateway_rest_api.inference.id
  deployment_id = aws_api_gateway_deployment.inference.id
  stage_name    = "v1"
}

resource "aws_api_gateway_method_settings" "v1_all" {
  rest_api_id = aws_api_gateway_rest_api.inference.id
  stage_name  = aws_api_gateway_stage.v1.stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = 20
    throttling_burst_limit = 40
    metrics_enabled        = true
  }
}

# ---------------------------------------------------------------------------------------
# Chat API for the internal applications: an HTTP API in front of the internal load
# balancer (through a VPC link), JWT-authenticated against the company IdP, throttled
# on its stage.
# ---------------------------------------------------------------------------------------

resource "aws_apigatewayv2_api" "chat" {
  name          = "${local.prefix}-chat"
  protocol_type = "HTTP"

  tags = local.ai_tags
}

resource "aws_apigatewayv2_vpc_link" "inference" {
  name               = "${local.prefix}-inference"
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [aws_security_group.alb.id]
}

resource "aws_apigatewayv2_integration" "chat" {
  api_id             = aws_apigatewayv2_api.chat.id
  integration_type   = "HTTP_PROXY"
  integration_method = "POST"
  integration_uri    = aws_lb_listener.https.arn
  connection_type    = "VPC_LINK"
  connection_id      = aws_apigatewayv2_vpc_link.inference.id

  tls_config {
    server_name_to_verify = var.inference_hostname
  }
}

resource "aws_apigatewayv2_authorizer" "idp" {
  api_id           = aws_apigatewayv2_api.chat.id
  name             = "company-idp"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.jwt_issuer
    audience = [var.jwt_audience]
  }
}

resource "aws_apigatewayv2_route" "chat" {
  api_id             = aws_apigatewayv2_api.chat.id
  route_key          = "POST /v1/chat/completions"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.idp.id
  target             = "integrations/${aws_apigatewayv2_integration.chat.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.chat.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = 20
    throttling_burst_limit = 40
  }
}

# ---------------------------------------------------------------------------------------
# CloudTrail data events of the AI buckets (object reads and writes), on top of their
# server access logs: who read which model file, with which credentials.
# ---------------------------------------------------------------------------------------

resource "aws_cloudtrail" "ai_data" {
  name                          = "${local.prefix}-ai-data-events"
  s3_bucket_name                = aws_s3_bucket.access_logs.id
  s3_key_prefix                 = "cloudtrail"
  kms_key_id                    = aws_kms_key.ml.arn
  include_global_service_events = false
  enable_log_file_validation    = true

  advanced_event_selector {
    name = "Object-level events of the model and training-data buckets"

    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }

    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }

    field_selector {
      field       = "resources.ARN"
      starts_with = ["arn:aws:s3:::${local.model_bucket}/", "arn:aws:s3:::${local.training_bucket}/"]
    }
  }

  depends_on = [aws_s3_bucket_policy.access_logs]
}
