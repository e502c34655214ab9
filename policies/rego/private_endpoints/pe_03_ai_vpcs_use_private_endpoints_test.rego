package auditor.controls.pe_03_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.pe_03.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.pe_03.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.pe_03.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_vpc := _res("aws_vpc", "vpc-1", {"cidr_block": "10.0.0.0/16", "is_default": false})

_subnet := _res("aws_subnet", "subnet-1", {"vpc_id": "vpc-1"})

_gpu := _res("aws_instance", "i-gpu", {"instance_type": "p4d.24xlarge", "subnet_id": "subnet-1", "vpc_id": "vpc-1"})

_ep(id, service, type) := _res("aws_vpc_endpoint", id, {"vpc_id": "vpc-1", "service_name": sprintf("com.amazonaws.us-east-1.%s", [service]), "vpc_endpoint_type": type, "state": "available"})

_all := [
	_ep("e1", "sagemaker.api", "Interface"),
	_ep("e2", "sagemaker.runtime", "Interface"),
	_ep("e3", "bedrock-runtime", "Interface"),
	_ep("e4", "s3", "Gateway"),
]

test_all_endpoints_pass if {
	_verdict(array.concat([_vpc, _subnet, _gpu], _all), "vpc-1") == "pass"
}

test_missing_endpoints_fail if {
	resources := array.concat([_vpc, _subnet, _gpu], array.slice(_all, 0, 2))
	_verdict(resources, "vpc-1") == "fail"
	some d in _results(resources, _cfg).deny
	d.evidence == {"attribute": "vpc_endpoints", "value": ["bedrock-runtime", "s3"]}
	d.absent_kinds == ["aws_vpc_endpoint"]
	contains(d.message, "i-gpu")
}

test_no_endpoints_at_all_fail if {
	_verdict([_vpc, _subnet, _gpu], "vpc-1") == "fail"
}

test_fips_and_s3_interface_count if {
	resources := [_vpc, _subnet, _gpu, _ep("e1", "sagemaker.api-fips", "Interface"), _ep("e2", "sagemaker.runtime", "Interface"), _ep("e3", "bedrock-runtime-fips", "Interface"), _ep("e4", "s3", "Interface")]
	_verdict(resources, "vpc-1") == "pass"
}

test_endpoint_of_another_vpc_or_dead_does_not_count if {
	other := object.union(_ep("e4", "s3", "Gateway"), {"attributes": {"vpc_id": "vpc-2"}})
	_verdict(array.concat([_vpc, _subnet, _gpu, other], array.slice(_all, 0, 3)), "vpc-1") == "fail"
	dead := object.union(_ep("e4", "s3", "Gateway"), {"attributes": {"state": "rejected"}})
	_verdict(array.concat([_vpc, _subnet, _gpu, dead], array.slice(_all, 0, 3)), "vpc-1") == "fail"
}

test_similar_service_names_do_not_count if {
	# "bedrock" (the control-plane API) is not "bedrock-runtime"; "s3-global.accesspoint" is not "s3"
	resources := array.concat([_vpc, _subnet, _gpu, _ep("e3", "bedrock", "Interface"), _ep("e4", "s3-global.accesspoint", "Interface")], array.slice(_all, 0, 2))
	_verdict(resources, "vpc-1") == "fail"
}

test_services_from_config if {
	cfg := object.union(_cfg, {"ai_vpc_endpoint_services": ["sagemaker.runtime"]})
	resources := [_vpc, _subnet, _gpu, _ep("e2", "sagemaker.runtime", "Interface")]
	data.auditor.lib.testing.verdict(_results(resources, cfg), "vpc-1") == "pass"
}

test_vpc_without_ai_not_applicable if {
	cpu := _res("aws_instance", "i-cpu", {"instance_type": "m5.large", "subnet_id": "subnet-1", "vpc_id": "vpc-1"})
	_verdict([_vpc, _subnet, cpu], "vpc-1") == "not applicable"
}

test_vpc_through_sagemaker_subnets if {
	m := _res("aws_sagemaker_model", "m", {"vpc_config": {"subnets": ["subnet-1"], "security_group_ids": []}})
	_verdict([_vpc, _subnet, m], "vpc-1") == "fail"
	nb := _res("aws_sagemaker_notebook_instance", "nb", {"subnet_id": "subnet-1"})
	_verdict([_vpc, _subnet, nb], "vpc-1") == "fail"
}

test_vpc_through_gpu_node_group if {
	c := _res("aws_eks_cluster", "c", {"vpc_id": "vpc-1"})
	ng := _res("aws_eks_node_group", "ng", {"cluster": "c", "instance_types": ["g5.2xlarge"]})
	_verdict([_vpc, c, ng], "vpc-1") == "fail"
	cpu_ng := _res("aws_eks_node_group", "ng", {"cluster": "c", "instance_types": ["m5.large"], "ami_type": "AL2023_x86_64_STANDARD"})
	_verdict([_vpc, c, cpu_ng], "vpc-1") == "not applicable"
	gpu_ami := _res("aws_eks_node_group", "ng", {"cluster_name": "c", "instance_types": [], "ami_type": "AL2_x86_64_GPU"})
	_verdict([_vpc, c, gpu_ami], "vpc-1") == "fail"
}

test_unknown_endpoint if {
	ep := data.auditor.lib.testing.unknown(_res("aws_vpc_endpoint", "e4", {"vpc_id": "vpc-1"}), {"service_name": "var.service"})
	resources := array.concat([_vpc, _subnet, _gpu, ep], array.slice(_all, 0, 3))
	_verdict(resources, "vpc-1") == "error"
	where := data.auditor.lib.testing.unknown(_res("aws_vpc_endpoint", "e4", {"service_name": "com.amazonaws.us-east-1.s3"}), {"vpc_id": "known after apply"})
	_verdict(array.concat([_vpc, _subnet, _gpu, where], array.slice(_all, 0, 3)), "vpc-1") == "error"
}
