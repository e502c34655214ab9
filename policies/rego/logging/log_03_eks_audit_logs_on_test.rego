package auditor.controls.log_03_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.log_03.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.log_03.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.log_03.unknown with input as inp with data.auditor.config as _cfg
}

_cluster(attrs) := data.auditor.lib.testing.resource("aws_eks_cluster", "c", attrs)

_v(r) := data.auditor.lib.testing.verdict(_results([r]), "c")

test_audit_on_passes if {
	_v(_cluster({"enabled_log_types": ["api", "audit"]})) == "pass"
}

test_audit_off_fails if {
	_v(_cluster({"enabled_log_types": ["api", "authenticator"]})) == "fail"
	_v(_cluster({"enabled_log_types": []})) == "fail"
	_v(_cluster({})) == "fail"
	some d in _results([_cluster({"enabled_log_types": ["api"]})]).deny
	d.evidence == {"attribute": "enabled_log_types", "value": ["api"]}
}

test_unknown if {
	_v(data.auditor.lib.testing.unknown(_cluster({}), {"enabled_log_types": "known after apply"})) == "error"
}
