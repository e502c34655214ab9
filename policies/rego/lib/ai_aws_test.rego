package auditor.lib.ai_aws_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_in(resources) := data.auditor.lib.testing.input_of(resources)

test_ecr_repository_name if {
	data.auditor.lib.ai_aws.ecr_repository_name("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/model:1") == "team/model"
	data.auditor.lib.ai_aws.ecr_repository_name("123456789012.dkr.ecr.us-east-1.amazonaws.com/model@sha256:abc") == "model"
	data.auditor.lib.ai_aws.ecr_repository_name("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/m") == "m"
	data.auditor.lib.ai_aws.ecr_repository_name("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/m:2") == "m"
	not data.auditor.lib.ai_aws.ecr_repository_name("ghcr.io/team/model:1")
	not data.auditor.lib.ai_aws.ecr_repository_name(null)
}

test_gpu_node_groups_and_clusters if {
	c := _res("aws_eks_cluster", "arn:cluster/ml", {})
	by_id := _res("aws_eks_node_group", "a", {"cluster": "arn:cluster/ml", "instance_types": ["p4d.24xlarge"]})
	ids := data.auditor.lib.ai_aws.eks_cluster_ids with input as _in([c, by_id]) with data.auditor.config as _cfg
	ids == {"arn:cluster/ml"}
	named := object.union(c, {"name": "ml"})
	by_name := _res("aws_eks_node_group", "b", {"cluster": "ml", "ami_type": "BOTTLEROCKET_x86_64_NVIDIA"})
	data.auditor.lib.ai_aws.eks_cluster_ids == {"arn:cluster/ml"} with input as _in([named, by_name]) with data.auditor.config as _cfg
	cpu := _res("aws_eks_node_group", "c", {"cluster": "arn:cluster/ml", "instance_types": ["m5.large"], "ami_type": null})
	count(data.auditor.lib.ai_aws.eks_cluster_ids) == 0 with input as _in([c, cpu]) with data.auditor.config as _cfg
}

test_vpc_ai_resources if {
	s := _res("aws_subnet", "s", {"vpc_id": "v"})
	i := _res("aws_instance", "i", {"instance_type": "g5.xlarge", "subnet_id": "s", "vpc_id": null})
	j := _res("aws_sagemaker_training_job", "j", {"vpc_config": {"subnets": ["s"]}})
	got := data.auditor.lib.ai_aws.vpc_ai_resources with input as _in([s, i, j]) with data.auditor.config as _cfg
	got == {"v": {"i", "j"}}
}

test_inference_integration if {
	data.auditor.lib.ai_aws.inference_integration("arn:aws:apigateway:us-east-1:runtime.sagemaker:path//endpoints/e/invocations") with data.auditor.config as _cfg
	data.auditor.lib.ai_aws.inference_integration("https://BEDROCK-RUNTIME.us-east-1.amazonaws.com/model/x/invoke") with data.auditor.config as _cfg
	not data.auditor.lib.ai_aws.inference_integration("arn:aws:apigateway:us-east-1:sqs:path/q") with data.auditor.config as _cfg
	not data.auditor.lib.ai_aws.inference_integration(null) with data.auditor.config as _cfg
}

test_key_ids_for if {
	k := _res("aws_kms_key", "arn:aws:kms:us-east-1:1:key/abc", {})
	data.auditor.lib.ai_aws.key_ids_for("arn:aws:kms:us-east-1:1:key/abc") == {"arn:aws:kms:us-east-1:1:key/abc"} with input as _in([k])
	data.auditor.lib.ai_aws.key_ids_for("abc") == {"arn:aws:kms:us-east-1:1:key/abc"} with input as _in([k])
	data.auditor.lib.ai_aws.key_ids_for("alias/ml") == set() with input as _in([k])
}
