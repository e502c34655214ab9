package auditor.controls.gpu_07_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.gpu_07.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.gpu_07.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.gpu_07.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_gpu := _res("aws_instance", "i-gpu", {"instance_type": "p5.48xlarge"})

_detector(enabled, features) := _res("aws_guardduty_detector", "gd", {"enabled": enabled, "features": features})

_runtime := [{"name": "RUNTIME_MONITORING", "status": "ENABLED"}, {"name": "S3_DATA_EVENTS", "status": "ENABLED"}]

test_enabled_with_runtime_monitoring_passes if {
	_verdict([_gpu, _detector(true, _runtime)], "i-gpu") == "pass"
	_verdict([_gpu, _detector(true, [{"name": "EKS_RUNTIME_MONITORING", "status": "enabled"}])], "i-gpu") == "pass"
}

test_no_detector_fails_on_absence if {
	_verdict([_gpu], "i-gpu") == "fail"
	some d in _results([_gpu]).deny
	d.absent_kinds == ["aws_guardduty_detector"]
	contains(d.message, "123456789012/us-east-1")
}

test_detector_of_another_region_does_not_count if {
	other := object.union(_detector(true, _runtime), {"region": "eu-west-1"})
	_verdict([_gpu, other], "i-gpu") == "fail"
}

test_disabled_detector_fails if {
	_verdict([_gpu, _detector(false, _runtime)], "i-gpu") == "fail"
	some d in _results([_gpu, _detector(false, _runtime)]).deny
	d.evidence == {"attribute": "gd#enabled", "value": false}
	not d.absent_kinds
}

test_without_runtime_monitoring_fails if {
	features := [{"name": "RUNTIME_MONITORING", "status": "DISABLED"}, {"name": "EKS_AUDIT_LOGS", "status": "ENABLED"}]
	_verdict([_gpu, _detector(true, features)], "i-gpu") == "fail"
	_verdict([_gpu, _detector(true, [])], "i-gpu") == "fail"
	_verdict([_gpu, _detector(true, null)], "i-gpu") == "fail"
}

test_unknown if {
	d := data.auditor.lib.testing.unknown(_detector(null, _runtime), {"enabled": "guardduty:GetDetector AccessDenied"})
	_verdict([_gpu, d], "i-gpu") == "error"
	f := data.auditor.lib.testing.unknown(_detector(true, null), {"features": "known after apply"})
	_verdict([_gpu, f], "i-gpu") == "error"
	# a known-disabled detector with unknown features fails
	off := data.auditor.lib.testing.unknown(_detector(false, null), {"features": "x"})
	_verdict([_gpu, off], "i-gpu") == "fail"
}

test_sagemaker_and_eks_compute_judged if {
	nb := _res("aws_sagemaker_notebook_instance", "nb", {})
	_verdict([nb], "nb") == "fail"
	c := _res("aws_eks_cluster", "c", {})
	ng := _res("aws_eks_node_group", "ng", {"cluster": "c", "instance_types": ["g6.xlarge"]})
	_verdict([c, ng], "c") == "fail"
	_verdict([c, ng, _detector(true, _runtime)], "c") == "pass"
	_verdict([c], "c") == "not applicable"
}

test_non_ai_instance_not_applicable if {
	_verdict([_res("aws_instance", "i-cpu", {"instance_type": "m5.large"})], "i-cpu") == "not applicable"
}

test_terraform_without_region_matches if {
	gpu := object.union(_gpu, {"region": null})
	_verdict([gpu, _detector(true, _runtime)], "i-gpu") == "pass"
}
