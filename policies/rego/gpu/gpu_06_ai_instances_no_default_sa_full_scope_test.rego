package auditor.controls.gpu_06_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.gpu_06.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.gpu_06.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.gpu_06.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_full := "https://www.googleapis.com/auth/cloud-platform"

_default := "123456789012-compute@developer.gserviceaccount.com"

_vm(machine, accounts) := _res("google_compute_instance", "vm", {"machine_type": machine, "service_accounts": accounts})

test_default_sa_with_cloud_platform_fails if {
	_verdict([_vm("a2-highgpu-1g", [{"email": _default, "scopes": [_full]}])], "vm") == "fail"
	some d in _results([_vm("a2-highgpu-1g", [{"email": _default, "scopes": [_full]}])]).deny
	d.evidence.attribute == "service_accounts.0"
}

test_short_scope_name_and_missing_email_fail if {
	_verdict([_vm("a2-highgpu-1g", [{"email": null, "scopes": ["cloud-platform"]}])], "vm") == "fail"
	_verdict([_vm("a2-highgpu-1g", [{"scopes": [_full]}])], "vm") == "fail"
	_verdict([_vm("a2-highgpu-1g", [{"email": "default", "scopes": [_full]}])], "vm") == "fail"
}

test_dedicated_sa_passes if {
	_verdict([_vm("a3-highgpu-8g", [{"email": "trainer@p.iam.gserviceaccount.com", "scopes": [_full]}])], "vm") == "pass"
}

test_default_sa_with_narrow_scopes_passes if {
	scopes := ["https://www.googleapis.com/auth/devstorage.read_only", "https://www.googleapis.com/auth/logging.write"]
	_verdict([_vm("a3-highgpu-8g", [{"email": _default, "scopes": scopes}])], "vm") == "pass"
}

test_no_service_account_passes if {
	_verdict([_vm("a3-highgpu-8g", [])], "vm") == "pass"
	_verdict([_vm("a3-highgpu-8g", null)], "vm") == "pass"
}

test_non_ai_not_applicable if {
	_verdict([_vm("e2-small", [{"email": _default, "scopes": [_full]}])], "vm") == "not applicable"
}

test_service_accounts_unknown if {
	vm := _unknown(_res("google_compute_instance", "vm", {"machine_type": "a2-highgpu-1g"}), {"service_accounts": "dynamic block"})
	_verdict([vm], "vm") == "error"
}

test_email_unknown_is_not_a_default if {
	vm := _unknown(_vm("a2-highgpu-1g", [{"scopes": [_full]}]), {"service_accounts.0.email": "var.sa"})
	_verdict([vm], "vm") == "error"
}

test_unresolved_instance_gives_unknown if {
	vm := _unknown(_res("google_compute_instance", "vm", {"service_accounts": [{"email": _default, "scopes": [_full]}]}), {"machine_type": "var.type"})
	_verdict([vm], "vm") == "error"
}
