package auditor.controls.net_05_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.net_05.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.net_05.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.net_05.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_notebook(attrs) := _res("aws_sagemaker_notebook_instance", "nb", object.union({"instance_type": "ml.t3.medium", "subnet_id": "subnet-1", "security_groups": ["sg-1"]}, attrs))

_model(attrs) := _res("aws_sagemaker_model", "m", object.union({"containers": [{"image": "x"}]}, attrs))

_job(attrs) := _res("aws_sagemaker_training_job", "j", object.union({"status": "Completed", "instance_type": "ml.p4d.24xlarge"}, attrs))

_vpc := {"subnets": ["subnet-1"], "security_group_ids": ["sg-1"]}

# --- notebooks ---

test_notebook_without_direct_access_in_vpc_passes if {
	_verdict([_notebook({"direct_internet_access": false})], "nb") == "pass"
}

test_notebook_with_direct_access_fails if {
	_verdict([_notebook({"direct_internet_access": true})], "nb") == "fail"
	some d in _results([_notebook({"direct_internet_access": true})]).deny
	d.evidence == {"attribute": "direct_internet_access", "value": true}
}

test_notebook_direct_access_not_set_fails if {
	_verdict([_notebook({"direct_internet_access": null})], "nb") == "fail"
	_verdict([_notebook({})], "nb") == "fail"
}

test_notebook_without_subnet_fails if {
	nb := _notebook({"direct_internet_access": false, "subnet_id": null})
	_verdict([nb], "nb") == "fail"
	some d in _results([nb]).deny
	d.evidence.attribute == "subnet_id"
}

test_notebook_unknown if {
	nb := _unknown(_notebook({}), {"direct_internet_access": "known after apply"})
	_verdict([nb], "nb") == "error"
	sub := _unknown(_notebook({"direct_internet_access": false, "subnet_id": null}), {"subnet_id": "var.subnet has no value"})
	_verdict([sub], "nb") == "error"
}

test_notebook_known_failure_stands_with_unknown_subnet if {
	nb := _unknown(_notebook({"direct_internet_access": true, "subnet_id": null}), {"subnet_id": "x"})
	_verdict([nb], "nb") == "fail"
}

# --- models ---

test_model_in_vpc_passes if {
	_verdict([_model({"vpc_config": _vpc, "enable_network_isolation": false})], "m") == "pass"
}

test_model_isolated_without_vpc_passes if {
	_verdict([_model({"vpc_config": null, "enable_network_isolation": true})], "m") == "pass"
}

test_model_without_vpc_nor_isolation_fails if {
	_verdict([_model({"vpc_config": null, "enable_network_isolation": false})], "m") == "fail"
	_verdict([_model({})], "m") == "fail"
}

test_model_vpc_config_without_subnets_fails if {
	_verdict([_model({"vpc_config": {"subnets": [], "security_group_ids": ["sg-1"]}, "enable_network_isolation": null})], "m") == "fail"
}

test_model_unknown if {
	m := _unknown(_model({"enable_network_isolation": false}), {"vpc_config": "known after apply"})
	_verdict([m], "m") == "error"
	i := _unknown(_model({"vpc_config": null}), {"enable_network_isolation": "var.isolate"})
	_verdict([i], "m") == "error"
	# in a VPC: the unknown isolation does not matter
	v := _unknown(_model({"vpc_config": _vpc}), {"enable_network_isolation": "var.isolate"})
	_verdict([v], "m") == "pass"
}

# --- training jobs ---

test_training_job if {
	_verdict([_job({"vpc_config": _vpc})], "j") == "pass"
	_verdict([_job({"enable_network_isolation": true, "vpc_config": null})], "j") == "pass"
	_verdict([_job({"enable_network_isolation": false, "vpc_config": null})], "j") == "fail"
	_verdict([_unknown(_job({"vpc_config": null}), {"enable_network_isolation": "AccessDenied"})], "j") == "error"
}
