package auditor.controls.pe_01_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.pe_01.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.pe_01.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.pe_01.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_cluster(attrs) := data.auditor.lib.testing.resource("aws_eks_cluster", "c", attrs)

_v(attrs) := _verdict([_cluster(attrs)], "c")

test_private_endpoint_passes if {
	_v({"endpoint_public_access": false, "endpoint_private_access": true, "public_access_cidrs": ["0.0.0.0/0"]}) == "pass"
}

test_public_restricted_cidrs_pass if {
	_v({"endpoint_public_access": true, "public_access_cidrs": ["203.0.113.0/24", "2001:db8::/32"]}) == "pass"
}

test_public_world_fails if {
	_v({"endpoint_public_access": true, "public_access_cidrs": ["0.0.0.0/0"]}) == "fail"
	some d in _results([_cluster({"endpoint_public_access": true, "public_access_cidrs": ["10.0.0.0/8", "0.0.0.0/0"]})]).deny
	d.evidence == {"attribute": "public_access_cidrs", "value": ["0.0.0.0/0"]}
}

test_public_ipv6_world_fails if {
	_v({"endpoint_public_access": true, "public_access_cidrs": ["203.0.113.0/24", "::/0"]}) == "fail"
}

test_defaults_fail if {
	_v({}) == "fail"
	_v({"endpoint_public_access": null, "public_access_cidrs": []}) == "fail"
	some d in _results([_cluster({"endpoint_public_access": true})]).deny
	contains(d.message, "the EKS default")
}

test_unknown if {
	_verdict([data.auditor.lib.testing.unknown(_cluster({}), {"endpoint_public_access": "known after apply"})], "c") == "error"
	_verdict([data.auditor.lib.testing.unknown(_cluster({"endpoint_public_access": true}), {"public_access_cidrs": "var.cidrs"})], "c") == "error"
	# private: unknown CIDRs do not matter
	_verdict([data.auditor.lib.testing.unknown(_cluster({"endpoint_public_access": false}), {"public_access_cidrs": "var.cidrs"})], "c") == "pass"
}
