# ---------------------------------------------------------------------------------------
# EKS cluster for batch inference jobs: public API endpoint open to the world, secrets
# not envelope-encrypted, no control-plane logs.
# ---------------------------------------------------------------------------------------

resource "aws_eks_cluster" "ml" {
  name     = "${local.prefix}-ml"
  role_arn = var.eks_cluster_role_arn
  version  = "1.29"

  vpc_config {
    subnet_ids              = module.network.public_subnet_ids
    endpoint_public_access  = true
    endpoint_private_access = false
    public_access_cidrs     = ["0.0.0.0/0"]
  }

  tags = local.ai_tags
}

# GPU node group without a taint (any pod may land on the GPUs), SSH from anywhere
# (remote_access without source security groups opens port 22 to 0.0.0.0/0).
resource "aws_eks_node_group" "gpu" {
  cluster_name    = aws_eks_cluster.ml.name
  node_group_name = "gpu"
  node_role_arn   = var.eks_node_role_arn
  subnet_ids      = module.network.public_subnet_ids
  instance_types  = ["g5.2xlarge"]
  ami_type        = "AL2_x86_64_GPU"

  scaling_config {
    desired_size = 2
    min_size     = 0
    max_size     = 4
  }

  remote_access {
    ec2_ssh_key = var.ssh_key_name
  }

  labels = {
    "nvidia.com/gpu.present" = "true"
  }
}

# GuardDuty switched off "to save cost": nobody would see crypto-mining on the GPUs.
resource "aws_guardduty_detector" "main" {
  enable = false
}

# ---------------------------------------------------------------------------------------
# Public inference API: no authentication, no throttling.
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
  authorization    = "NONE"
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

# ---------------------------------------------------------------------------------------
# Chat API: an HTTP API proxying to the public load balancer, open to anyone, no
# throttling on its stage.
# ---------------------------------------------------------------------------------------

resource "aws_apigatewayv2_api" "chat" {
  name          = "${local.prefix}-chat"
  protocol_type = "HTTP"

  tags = local.ai_tags
}

resource "aws_apigatewayv2_integration" "chat" {
  api_id             = aws_apigatewayv2_api.chat.id
  integration_type   = "HTTP_PROXY"
  integration_method = "POST"
  integration_uri    = "https://${var.inference_hostname}/v1/chat/completions"
}

resource "aws_apigatewayv2_route" "chat" {
  api_id    = aws_apigatewayv2_api.chat.id
  route_key = "POST /v1/chat/completions"
  target    = "integrations/${aws_apigatewayv2_integration.chat.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.chat.id
  name        = "$default"
  auto_deploy = true
}

# A trail for management events only: nobody sees who downloads the model weights.
resource "aws_cloudtrail" "main" {
  name           = "${local.prefix}-trail"
  s3_bucket_name = "${local.prefix}-cloudtrail-${var.account_id}"

  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }
}
