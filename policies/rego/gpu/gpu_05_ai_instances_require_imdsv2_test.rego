package auditor.controls.gpu_05_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_tagged(r, tags) := data.auditor.lib.testing.tagged(r, tags)

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.gpu_05.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.gpu_05.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.gpu_05.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_ec2(instance_type, metadata_options) := _res("aws_instance", "i", {
	"instance_type": instance_type,
	"metadata_options": metadata_options,
})

test_optional_tokens_fail if {
	r := _ec2("p4d.24xlarge", {"http_tokens": "optional", "http_endpoint": "enabled"})
	_verdict([r], "i") == "fail"
	some d in _results([r], _cfg).deny
	d.evidence == {"attribute": "metadata_options.http_tokens", "value": "optional"}
	d.message == "AI instance (p4d.24xlarge): metadata_options.http_tokens is \"optional\": IMDSv1 is allowed"
}

test_tokens_not_set_fail if {
	_verdict([_ec2("g5.xlarge", null)], "i") == "fail"
	_verdict([_ec2("g5.xlarge", {"http_tokens": null, "http_endpoint": "enabled"})], "i") == "fail"
	_verdict([_res("aws_instance", "i", {"instance_type": "g5.xlarge"})], "i") == "fail"
}

test_required_tokens_pass if {
	_verdict([_ec2("p5.48xlarge", {"http_tokens": "required", "http_endpoint": "enabled", "http_put_response_hop_limit": 1})], "i") == "pass"
}

test_disabled_endpoint_passes if {
	_verdict([_ec2("trn1.32xlarge", {"http_tokens": "optional", "http_endpoint": "disabled"})], "i") == "pass"
}

test_unknown_tokens_unknown if {
	r := _unknown(_ec2("inf2.xlarge", {"http_endpoint": "enabled"}), {"metadata_options.http_tokens": "var.imds_tokens"})
	_verdict([r], "i") == "error"
	whole := _unknown(_res("aws_instance", "i", {"instance_type": "inf2.xlarge"}), {"metadata_options": "dynamic block"})
	_verdict([whole], "i") == "error"
}

test_unknown_tokens_with_disabled_endpoint_passes if {
	r := _unknown(_ec2("inf2.xlarge", {"http_endpoint": "disabled"}), {"metadata_options.http_tokens": "x"})
	_verdict([r], "i") == "pass"
}

test_non_ai_instance_not_applicable if {
	_verdict([_ec2("c5.large", {"http_tokens": "optional"})], "i") == "not applicable"
}

test_unresolved_instance if {
	r := _unknown(
		_res("aws_instance", "i", {"metadata_options": {"http_tokens": "optional"}}),
		{"instance_type": "var.type"},
	)
	_verdict([r], "i") == "error"
	ok := _unknown(
		_res("aws_instance", "i", {"metadata_options": {"http_tokens": "required"}}),
		{"instance_type": "var.type"},
	)
	_verdict([ok], "i") == "pass"
}

test_tagged_instance_of_unknown_type_fails if {
	r := _tagged(_unknown(data.auditor.lib.testing.resource("aws_instance", "i", {"metadata_options": {"http_tokens": "optional"}}), {"instance_type": "x"}), {"ai-workload": "1"})
	_verdict([r], "i") == "fail"
}

test_tagged_instance_is_ai if {
	r := _tagged(_ec2("m5.large", {"http_tokens": "optional"}), {"ml-workload": "training"})
	_verdict([r], "i") == "fail"
}
