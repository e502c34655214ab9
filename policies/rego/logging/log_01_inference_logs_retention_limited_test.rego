package auditor.controls.log_01_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.log_01.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.log_01.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.log_01.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_group(name, days) := _res("aws_cloudwatch_log_group", "lg", {"log_group_name": name, "retention_in_days": days})

# --- log groups ---

test_group_with_retention_passes if {
	_verdict([_group("/aws/sagemaker/Endpoints/llm", 30)], "lg") == "pass"
	_verdict([_group("/aws/sagemaker/Endpoints/llm", 365)], "lg") == "pass"
}

test_group_never_expiring_fails if {
	_verdict([_group("/aws/sagemaker/Endpoints/llm", null)], "lg") == "fail"
	some d in _results([_group("/aws/sagemaker/Endpoints/llm", null)], _cfg).deny
	contains(d.message, "never expires")
}

test_group_retention_above_max_fails if {
	_verdict([_group("/aws/sagemaker/Endpoints/llm", 400)], "lg") == "fail"
	cfg := object.union(_cfg, {"log_retention_max_days": 731})
	data.auditor.lib.testing.verdict(_results([_group("/aws/sagemaker/Endpoints/llm", 400)], cfg), "lg") == "pass"
}

test_group_unknown if {
	g := data.auditor.lib.testing.unknown(_res("aws_cloudwatch_log_group", "lg", {"log_group_name": "/aws/sagemaker/TrainingJobs"}), {"retention_in_days": "var.days"})
	_verdict([g], "lg") == "error"
}

test_which_groups if {
	_verdict([_group("/aws/lambda/api", null)], "lg") == "not applicable"
	tagged := data.auditor.lib.testing.tagged(_group("/app/inference", null), {"ml-workload": "yes"})
	_verdict([tagged], "lg") == "fail"
	cfg := object.union(_cfg, {"inference_log_group_prefixes": ["/bedrock/"]})
	data.auditor.lib.testing.verdict(_results([_group("/bedrock/invocations", null)], cfg), "lg") == "fail"
}

# --- data-capture buckets ---

_config(uri, enabled) := _res("aws_sagemaker_endpoint_configuration", "ec", {"data_capture": {"enabled": enabled, "destination_s3_uri": uri}})

_bucket(rules) := _res("aws_s3_bucket", "b", {"bucket": "capture", "lifecycle_rules": rules})

_rule(prefix, days) := {"id": "expire", "enabled": true, "prefix": prefix, "expiration_days": days}

test_capture_bucket_expiring_passes if {
	_verdict([_config("s3://capture/llm/", true), _bucket([_rule(null, 90)])], "b") == "pass"
	_verdict([_config("s3://capture/llm/", true), _bucket([_rule("llm/", 90)])], "b") == "pass"
	_verdict([_config("s3://capture/llm/", true), _bucket([_rule("", 90)])], "b") == "pass"
}

# The capture URI may or may not end in "/"; objects land under "<prefix>/" either way.
test_capture_prefix_without_trailing_slash_is_covered_by_the_directory_rule if {
	_verdict([_config("s3://capture/llm", true), _bucket([_rule("llm/", 90)])], "b") == "pass"
	_verdict([_config("s3://capture/llm", true), _bucket([_rule("llm", 90)])], "b") == "pass"
	_verdict([_config("s3://capture/llm/", true), _bucket([_rule("ll", 90)])], "b") == "pass"
	_verdict([_config("s3://capture/llm", true), _bucket([_rule("llm/x/", 90)])], "b") == "fail"
	_verdict([_config("s3://capture", true), _bucket([_rule("llm/", 90)])], "b") == "fail"
}

test_capture_bucket_without_expiry_fails if {
	_verdict([_config("s3://capture/llm/", true), _bucket([])], "b") == "fail"
	_verdict([_config("s3://capture/llm/", true), _bucket(null)], "b") == "fail"
	_verdict([_config("s3://capture/llm/", true), _bucket([_rule("other/", 90)])], "b") == "fail"
	_verdict([_config("s3://capture/llm/", true), _bucket([_rule(null, 3650)])], "b") == "fail"
	_verdict([_config("s3://capture/llm/", true), _bucket([object.union(_rule(null, 30), {"enabled": false})])], "b") == "fail"
	_verdict([_config("s3://capture/llm/", true), _bucket([_rule(null, null)])], "b") == "fail"
}

test_capture_bucket_unknown if {
	b := data.auditor.lib.testing.unknown(_res("aws_s3_bucket", "b", {"bucket": "capture"}), {"lifecycle_rules": "s3:GetLifecycleConfiguration AccessDenied"})
	_verdict([_config("s3://capture/llm/", true), b], "b") == "error"
}

test_capture_disabled_not_applicable if {
	_verdict([_config("s3://capture/llm/", false), _bucket([])], "b") == "not applicable"
	_verdict([_bucket([])], "b") == "not applicable"
}
