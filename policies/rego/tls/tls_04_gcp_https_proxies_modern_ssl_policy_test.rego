package auditor.controls.tls_04_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.tls_04.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.tls_04.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.tls_04.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_proxy(policy) := _res("google_compute_target_https_proxy", "px", {"ssl_policy": policy, "url_map": "um"})

_policy(version, profile) := _res("google_compute_ssl_policy", "pol", {"min_tls_version": version, "profile": profile, "custom_features": []})

test_no_policy_fails if {
	_verdict([_proxy(null)], "px") == "fail"
	_verdict([_res("google_compute_target_https_proxy", "px", {})], "px") == "fail"
	some d in _results([_proxy(null)], _cfg).deny
	d.evidence == {"attribute": "ssl_policy", "value": null}
}

test_modern_tls12_passes if {
	_verdict([_proxy("pol"), _policy("TLS_1_2", "MODERN")], "px") == "pass"
	_verdict([_proxy("pol"), _policy("TLS_1_2", "RESTRICTED")], "px") == "pass"
	_verdict([_proxy("pol"), _policy("TLS_1_3", "MODERN")], "px") == "pass"
}

test_old_minimum_fails if {
	_verdict([_proxy("pol"), _policy("TLS_1_1", "MODERN")], "px") == "fail"
	some d in _results([_proxy("pol"), _policy("TLS_1_0", "MODERN")], _cfg).deny
	d.evidence == {"attribute": "pol#min_tls_version", "value": "TLS_1_0"}
}

test_compatible_or_custom_profile_fails if {
	_verdict([_proxy("pol"), _policy("TLS_1_2", "COMPATIBLE")], "px") == "fail"
	_verdict([_proxy("pol"), _policy("TLS_1_2", "CUSTOM")], "px") == "fail"
}

test_profiles_from_config if {
	cfg := object.union(_cfg, {"gcp_ssl_profiles": ["MODERN", "RESTRICTED", "CUSTOM"]})
	data.auditor.lib.testing.verdict(_results([_proxy("pol"), _policy("TLS_1_2", "CUSTOM")], cfg), "px") == "pass"
}

test_policy_not_in_snapshot_is_unknown if {
	_verdict([_proxy("projects/p/global/sslPolicies/elsewhere")], "px") == "error"
}

test_proxy_policy_unknown if {
	px := _unknown(_res("google_compute_target_https_proxy", "px", {"url_map": "um"}), {"ssl_policy": "var.policy"})
	_verdict([px], "px") == "error"
}

test_policy_facts_unknown if {
	pol := _unknown(_res("google_compute_ssl_policy", "pol", {"profile": "MODERN"}), {"min_tls_version": "var.tls"})
	_verdict([_proxy("pol"), pol], "px") == "error"
	_verdict([_proxy("pol"), _policy(null, "MODERN")], "px") == "error"
}

test_known_failure_stands_with_unknown_fact if {
	pol := _unknown(_res("google_compute_ssl_policy", "pol", {"profile": "COMPATIBLE"}), {"min_tls_version": "var.tls"})
	_verdict([_proxy("pol"), pol], "px") == "fail"
}

test_ssl_policy_alone_not_applicable if {
	_verdict([_policy("TLS_1_0", "COMPATIBLE")], "pol") == "not applicable"
}
