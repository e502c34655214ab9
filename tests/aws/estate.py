"""Two AI estates seeded into moto through real boto3 calls, as Terraform would make them.

- insecure (us-east-1): a public GPU instance with IMDSv1 and an unencrypted volume
  behind a world-open security group, a public model-artifact bucket, a SageMaker model
  with a `latest` image and a token in its environment, an HTTP load balancer, a public
  EKS endpoint, an open API;
- hardened (eu-west-1): the same shape done right (private, IMDSv2, KMS everywhere,
  HTTPS with a TLS 1.2 policy, blocked public access, digests, rotation, logging).

The CANARY values are secrets planted where a careless collector would copy them
(environment values, tag values, descriptions); tests assert they appear nowhere.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

from auditor.collectors.aws.session import emulator_host_prefix

INSECURE_REGION = "us-east-1"
HARDENED_REGION = "eu-west-1"
ACCOUNT = "123456789012"

# Canary secrets: each must never appear in a snapshot, a result document or a log.
CANARY_HF = "hf_CanaryTokenDoNotLeak0123456789abcdef"
CANARY_TAG = "canary-tag-secret-7f3a9c"
CANARY_AKID = "AKIAQCANARYLEAK12345"
CANARY_GHP = "ghp_CanaryGithubToken0123456789abcdefABCD"
CANARIES = (CANARY_HF, CANARY_TAG, CANARY_AKID, CANARY_GHP, "CanaryEnvValue-do-not-leak")

ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker-exec"
DIGEST = "sha256:" + "a" * 64


def _ami(ec2: Any) -> str:
    images = ec2.describe_images(Owners=["amazon"])["Images"]
    return sorted(i["ImageId"] for i in images)[0]


def _network(ec2: Any, cidr: str, public: bool, name: str) -> tuple[str, str]:
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": f"{name}-vpc"}])
    az = ec2.meta.region_name + "a"
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("/16", "/24"), AvailabilityZone=az)
    sid = subnet["Subnet"]["SubnetId"]
    if public:
        ec2.modify_subnet_attribute(SubnetId=sid, MapPublicIpOnLaunch={"Value": True})
    return vpc, sid


def seed_insecure(session: boto3.Session, region: str = INSECURE_REGION) -> dict[str, str]:
    """The insecure estate; returns the ids tests refer to."""
    ec2 = session.client("ec2", region_name=region)
    vpc, subnet = _network(ec2, "10.10.0.0/16", True, "ins")
    sg = ec2.create_security_group(
        GroupName="ins-gpu-sg",
        Description=f"gpu hosts, deploy key {CANARY_AKID}",
        VpcId=vpc,
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": f"ssh {CANARY_GHP}"}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 8888,
                "ToPort": 8888,
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
            },
        ],
    )
    run = ec2.run_instances(
        ImageId=_ami(ec2),
        InstanceType="p3.2xlarge",
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[
            {
                "DeviceIndex": 0,
                "SubnetId": subnet,
                "Groups": [sg],
                "AssociatePublicIpAddress": True,
            }
        ],
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 100, "Encrypted": False}}
        ],
        MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
        TagSpecifications=[
            {
                "ResourceType": "instance",
                "Tags": [
                    {"Key": "Name", "Value": "ins-gpu"},
                    {"Key": "ai-workload", "Value": "true"},
                    {"Key": "api_token", "Value": CANARY_TAG},
                ],
            },
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "ins-gpu-root"}]},
        ],
    )
    instance = run["Instances"][0]["InstanceId"]

    s3 = session.client("s3", region_name=region)
    bucket = "ins-model-artifacts"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/*",
                    }
                ],
            }
        ),
    )
    s3.put_bucket_tagging(
        Bucket=bucket,
        Tagging={
            "TagSet": [{"Key": "team", "Value": "ml"}, {"Key": "password", "Value": CANARY_TAG}]
        },
    )

    sm = session.client("sagemaker", region_name=region)
    sm.create_model(
        ModelName="ins-model",
        ExecutionRoleArn=ROLE,
        PrimaryContainer={
            "Image": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/llm:latest",
            "ModelDataUrl": f"s3://{bucket}/model.tar.gz",
            "Environment": {"HF_TOKEN": CANARY_HF, "MODEL_ID": "CanaryEnvValue-do-not-leak"},
        },
    )
    sm.create_endpoint_config(
        EndpointConfigName="ins-endpoint-config",
        ProductionVariants=[
            {
                "VariantName": "main",
                "ModelName": "ins-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.g4dn.xlarge",
            }
        ],
    )
    sm.create_endpoint(EndpointName="ins-endpoint", EndpointConfigName="ins-endpoint-config")
    sm.create_notebook_instance(
        NotebookInstanceName="ins-notebook",
        InstanceType="ml.t3.medium",
        RoleArn=ROLE,
        DirectInternetAccess="Enabled",
        RootAccess="Enabled",
    )

    elb = session.client("elbv2", region_name=region)
    subnet_b = ec2.create_subnet(
        VpcId=vpc, CidrBlock="10.10.1.0/24", AvailabilityZone=region + "b"
    )["Subnet"]["SubnetId"]
    lb = elb.create_load_balancer(
        Name="ins-alb", Subnets=[subnet, subnet_b], SecurityGroups=[sg], Scheme="internet-facing"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(
        Name="ins-tg", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": instance, "Port": 8080}])
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )

    ecr = session.client("ecr", region_name=region)
    ecr.create_repository(repositoryName="ins-llm", imageTagMutability="MUTABLE")

    logs = session.client("logs", region_name=region)
    logs.create_log_group(logGroupName="/aws/sagemaker/Endpoints/ins-endpoint")

    eks = session.client("eks", region_name=region)
    eks.create_cluster(
        name="ins-eks",
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks",
        resourcesVpcConfig={
            "subnetIds": [subnet, subnet_b],
            "endpointPublicAccess": True,
            "endpointPrivateAccess": False,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
    )
    eks.create_nodegroup(
        clusterName="ins-eks",
        nodegroupName="ins-gpu-nodes",
        subnets=[subnet],
        nodeRole=f"arn:aws:iam::{ACCOUNT}:role/node",
        instanceTypes=["g5.xlarge"],
        remoteAccess={"ec2SshKey": "ops"},
    )

    sm.create_training_job(
        TrainingJobName="ins-train",
        AlgorithmSpecification={
            "TrainingImage": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/train:latest",
            "TrainingInputMode": "File",
        },
        RoleArn=ROLE,
        InputDataConfig=[
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": f"s3://{bucket}/train/",
                    }
                },
            }
        ],
        OutputDataConfig={"S3OutputPath": f"s3://{bucket}/output/"},
        ResourceConfig={"InstanceType": "ml.p3.2xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        Environment={"WANDB_API_KEY": "CanaryEnvValue-do-not-leak"},
    )

    apigw = session.client("apigateway", region_name=region)
    api = apigw.create_rest_api(name="ins-api", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    res = apigw.create_resource(restApiId=api, parentId=root, pathPart="invoke")["id"]
    apigw.put_method(restApiId=api, resourceId=res, httpMethod="POST", authorizationType="NONE")
    apigw.put_integration(
        restApiId=api,
        resourceId=res,
        httpMethod="POST",
        type="AWS",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{region}:runtime.sagemaker:path//endpoints/ins-endpoint/invocations",
    )
    apigw.create_deployment(restApiId=api, stageName="prod")

    apigw2 = session.client("apigatewayv2", region_name=region)
    http_api = apigw2.create_api(Name="ins-http", ProtocolType="HTTP")["ApiId"]
    integ = apigw2.create_integration(
        ApiId=http_api,
        IntegrationType="HTTP_PROXY",
        IntegrationMethod="POST",
        IntegrationUri="https://models.internal.example.com/invoke",
        PayloadFormatVersion="1.0",
    )["IntegrationId"]
    apigw2.create_route(
        ApiId=http_api,
        RouteKey="POST /invoke",
        AuthorizationType="NONE",
        Target=f"integrations/{integ}",
    )
    apigw2.create_stage(ApiId=http_api, StageName="$default")

    trail_bucket = "ins-trail-logs"
    s3.create_bucket(Bucket=trail_bucket)
    ct = session.client("cloudtrail", region_name=region)
    ct.create_trail(Name="ins-trail", S3BucketName=trail_bucket)

    # A CloudFront web ACL (us-east-1 only): it protects distributions, never the ALB, and
    # the collector does not read which distributions (its associations are unknown).
    session.client("wafv2", region_name=region).create_web_acl(
        Name="ins-edge-waf",
        Scope="CLOUDFRONT",
        DefaultAction={"Allow": {}},
        Rules=[],
        VisibilityConfig={
            "SampledRequestsEnabled": False,
            "CloudWatchMetricsEnabled": False,
            "MetricName": "ins-edge-waf",
        },
    )
    return {"instance": instance, "sg": sg, "vpc": vpc, "subnet": subnet, "bucket": bucket}


def seed_hardened(session: boto3.Session, region: str = HARDENED_REGION) -> dict[str, str]:
    """The hardened estate; returns the ids tests refer to."""
    kms = session.client("kms", region_name=region)
    key = kms.create_key(Description="ai data")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/ai-data", TargetKeyId=key["KeyId"])
    key_arn = key["Arn"]

    ec2 = session.client("ec2", region_name=region)
    ec2.enable_ebs_encryption_by_default()
    vpc, subnet = _network(ec2, "10.20.0.0/16", False, "hard")
    sg = ec2.create_security_group(GroupName="hard-gpu-sg", Description="gpu hosts", VpcId=vpc)[
        "GroupId"
    ]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.20.0.0/16"}],
            }
        ],
    )
    run = ec2.run_instances(
        ImageId=_ami(ec2),
        InstanceType="g5.xlarge",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[sg],
        BlockDeviceMappings=[
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {"VolumeSize": 100, "Encrypted": True, "KmsKeyId": key_arn},
            }
        ],
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        TagSpecifications=[
            {
                "ResourceType": "instance",
                "Tags": [
                    {"Key": "Name", "Value": "hard-gpu"},
                    {"Key": "ai-workload", "Value": "true"},
                ],
            },
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "hard-gpu-root"}]},
        ],
    )
    instance = run["Instances"][0]["InstanceId"]
    # Private endpoints for every AI API the VPC calls (PE-03's default list: SageMaker API
    # and runtime, Bedrock runtime, S3), and ECR's API and registry for image pulls.
    interfaces = ("sagemaker.api", "sagemaker.runtime", "bedrock-runtime", "ecr.api", "ecr.dkr")
    for service in interfaces:
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=f"com.amazonaws.{region}.{service}",
            VpcEndpointType="Interface",
            SubnetIds=[subnet],
            SecurityGroupIds=[sg],
            PrivateDnsEnabled=True,
        )
    ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{region}.s3", VpcEndpointType="Gateway"
    )

    s3 = session.client("s3", region_name=region)
    bucket = "hard-model-artifacts"
    logs_bucket = "hard-access-logs"
    for name in (bucket, logs_bucket):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": key_arn,
                        },
                        "BucketKeyEnabled": True,
                    }
                ]
            },
        )
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_tagging(
        Bucket=bucket, Tagging={"TagSet": [{"Key": "model-artifacts", "Value": "true"}]}
    )
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            }
        ),
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "capture-retention",
                    "Status": "Enabled",
                    "Filter": {"Prefix": "data-capture/"},
                    "Expiration": {"Days": 30},
                }
            ]
        },
    )
    s3.put_bucket_policy(
        Bucket=logs_bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "logging.s3.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": f"arn:aws:s3:::{logs_bucket}/*",
                    }
                ],
            }
        ),
    )
    s3.put_bucket_logging(
        Bucket=bucket,
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": logs_bucket, "TargetPrefix": f"{bucket}/"}
        },
    )

    sm = session.client("sagemaker", region_name=region)
    sm.create_model(
        ModelName="hard-model",
        ExecutionRoleArn=ROLE,
        PrimaryContainer={
            "Image": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/llm@{DIGEST}",
            "ModelDataUrl": f"s3://{bucket}/model.tar.gz",
        },
        VpcConfig={"SecurityGroupIds": [sg], "Subnets": [subnet]},
        EnableNetworkIsolation=True,
    )
    sm.create_endpoint_config(
        EndpointConfigName="hard-endpoint-config",
        ProductionVariants=[
            {
                "VariantName": "main",
                "ModelName": "hard-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.g4dn.xlarge",
            }
        ],
        KmsKeyId=key_arn,
        DataCaptureConfig={
            "EnableCapture": True,
            "InitialSamplingPercentage": 10,
            "DestinationS3Uri": f"s3://{bucket}/data-capture",
            "KmsKeyId": key_arn,
            "CaptureOptions": [{"CaptureMode": "Input"}],
        },
    )
    sm.create_endpoint(EndpointName="hard-endpoint", EndpointConfigName="hard-endpoint-config")
    sm.create_notebook_instance(
        NotebookInstanceName="hard-notebook",
        InstanceType="ml.t3.medium",
        RoleArn=ROLE,
        SubnetId=subnet,
        SecurityGroupIds=[sg],
        KmsKeyId=key_arn,
        DirectInternetAccess="Disabled",
        RootAccess="Disabled",
    )

    elb = session.client("elbv2", region_name=region)
    subnet_b = ec2.create_subnet(
        VpcId=vpc, CidrBlock="10.20.1.0/24", AvailabilityZone=region + "b"
    )["Subnet"]["SubnetId"]
    lb = elb.create_load_balancer(
        Name="hard-alb", Subnets=[subnet, subnet_b], SecurityGroups=[sg], Scheme="internal"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(
        Name="hard-tg", Protocol="HTTPS", Port=443, VpcId=vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": instance, "Port": 443}])
    acm = session.client("acm", region_name=region)
    cert = acm.request_certificate(DomainName="models.example.com")["CertificateArn"]
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": cert}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )

    ecr = session.client("ecr", region_name=region)
    ecr.create_repository(
        repositoryName="hard-llm",
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key_arn},
        tags=[{"Key": "model-artifacts", "Value": "true"}],
    )

    logs = session.client("logs", region_name=region)
    logs.create_log_group(logGroupName="/aws/sagemaker/Endpoints/hard-endpoint", kmsKeyId=key_arn)
    logs.put_retention_policy(
        logGroupName="/aws/sagemaker/Endpoints/hard-endpoint", retentionInDays=30
    )

    gd = session.client("guardduty", region_name=region)
    gd.create_detector(
        Enable=True,
        Features=[
            {"Name": "EKS_AUDIT_LOGS", "Status": "ENABLED"},
            {"Name": "RUNTIME_MONITORING", "Status": "ENABLED"},
        ],
    )

    eks = session.client("eks", region_name=region)
    eks.create_cluster(
        name="hard-eks",
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks",
        resourcesVpcConfig={
            "subnetIds": [subnet, subnet_b],
            "securityGroupIds": [sg],
            "endpointPublicAccess": False,
            "endpointPrivateAccess": True,
        },
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": key_arn}}],
        logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": True}]},
    )
    eks.create_nodegroup(
        clusterName="hard-eks",
        nodegroupName="hard-gpu-nodes",
        subnets=[subnet],
        nodeRole=f"arn:aws:iam::{ACCOUNT}:role/node",
        instanceTypes=["g5.xlarge"],
        labels={"accelerator": "nvidia"},
        taints=[{"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}],
    )

    sm.create_training_job(
        TrainingJobName="hard-train",
        AlgorithmSpecification={
            "TrainingImage": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/train@{DIGEST}",
            "TrainingInputMode": "File",
        },
        RoleArn=ROLE,
        InputDataConfig=[
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": f"s3://{bucket}/train/",
                    }
                },
            }
        ],
        OutputDataConfig={"S3OutputPath": f"s3://{bucket}/output/", "KmsKeyId": key_arn},
        ResourceConfig={
            "InstanceType": "ml.p3.2xlarge",
            "InstanceCount": 1,
            "VolumeSizeInGB": 50,
            "VolumeKmsKeyId": key_arn,
        },
        VpcConfig={"SecurityGroupIds": [sg], "Subnets": [subnet]},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        EnableNetworkIsolation=True,
        EnableInterContainerTrafficEncryption=True,
    )

    apigw = session.client("apigateway", region_name=region)
    api = apigw.create_rest_api(name="hard-api", endpointConfiguration={"types": ["PRIVATE"]})["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    res = apigw.create_resource(restApiId=api, parentId=root, pathPart="invoke")["id"]
    apigw.put_method(
        restApiId=api,
        resourceId=res,
        httpMethod="POST",
        authorizationType="AWS_IAM",
        apiKeyRequired=True,
    )
    apigw.put_integration(
        restApiId=api,
        resourceId=res,
        httpMethod="POST",
        type="AWS",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{region}:runtime.sagemaker:path//endpoints/hard-endpoint/invocations",
    )
    apigw.create_deployment(restApiId=api, stageName="prod")
    apigw.update_stage(
        restApiId=api,
        stageName="prod",
        patchOperations=[
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "50"},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "100"},
        ],
    )
    apigw.create_usage_plan(
        name="hard-plan",
        apiStages=[{"apiId": api, "stage": "prod"}],
        throttle={"rateLimit": 10.0, "burstLimit": 20},
    )

    waf = session.client("wafv2", region_name=region)
    acl = waf.create_web_acl(
        Name="hard-waf",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        Rules=[
            {
                "Name": "rate-limit",
                "Priority": 1,
                "Statement": {"RateBasedStatement": {"Limit": 1000, "AggregateKeyType": "IP"}},
                "Action": {"Block": {}},
                "VisibilityConfig": {
                    "SampledRequestsEnabled": True,
                    "CloudWatchMetricsEnabled": True,
                    "MetricName": "rate",
                },
            }
        ],
        VisibilityConfig={
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "hard-waf",
        },
    )["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=lb)
    stage = f"arn:aws:apigateway:{region}::/restapis/{api}/stages/prod"
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=stage)

    ct = session.client("cloudtrail", region_name=region)
    ct.create_trail(Name="hard-trail", S3BucketName=logs_bucket, IsMultiRegionTrail=True)
    ct.put_event_selectors(
        TrailName="hard-trail",
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [
                    {"Type": "AWS::S3::Object", "Values": [f"arn:aws:s3:::{bucket}/"]}
                ],
            }
        ],
    )
    ct.start_logging(Name="hard-trail")
    return {
        "instance": instance,
        "sg": sg,
        "vpc": vpc,
        "subnet": subnet,
        "bucket": bucket,
        "key": key_arn,
    }


def seed(session: boto3.Session) -> dict[str, dict[str, str]]:
    return {"insecure": seed_insecure(session), "hardened": seed_hardened(session)}


def s3control(session: boto3.Session, region: str) -> Any:
    client = session.client("s3control", region_name=region)
    client.meta.events.register("before-sign.s3-control", emulator_host_prefix)
    return client
