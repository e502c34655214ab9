package auditor.controls.net_02_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.net_02.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.net_02.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.net_02.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_sg(ingress) := _res("aws_security_group", "sg", {"ingress": ingress, "egress": []})

_rule(protocol, from, to, cidrs, ipv6) := {
	"protocol": protocol,
	"from_port": from,
	"to_port": to,
	"cidr_blocks": cidrs,
	"ipv6_cidr_blocks": ipv6,
}

# --- AWS security groups -----------------------------------------------------------------

test_ssh_open_to_world_fails if {
	resources := [_sg([_rule("tcp", 22, 22, ["0.0.0.0/0"], [])])]
	_verdict(resources, "sg") == "fail"
	some d in _results(resources, _cfg).deny
	d.message == "ingress rule 0 admits 0.0.0.0/0 to admin port 22 (tcp 22)"
	d.evidence.attribute == "ingress.0"
}

test_ipv6_world_fails if {
	_verdict([_sg([_rule("tcp", 3389, 3389, [], ["::/0"])])], "sg") == "fail"
}

test_range_covering_admin_ports_fails if {
	resources := [_sg([_rule("tcp", 6000, 11000, ["0.0.0.0/0"], [])])]
	_verdict(resources, "sg") == "fail"
	some d in _results(resources, _cfg).deny
	contains(d.message, "admin port 6443, 8888, 10250 (tcp 6000-11000)")
}

test_all_protocols_fails if {
	_verdict([_sg([_rule("-1", 0, 0, ["0.0.0.0/0"], [])])], "sg") == "fail"
}

test_world_https_passes if {
	_verdict([_sg([_rule("tcp", 443, 443, ["0.0.0.0/0"], ["::/0"])])], "sg") == "pass"
}

test_ssh_from_private_range_passes if {
	_verdict([_sg([_rule("tcp", 22, 22, ["10.0.0.0/8", "192.168.0.0/16"], [])])], "sg") == "pass"
}

test_icmp_world_passes if {
	_verdict([_sg([_rule("icmp", -1, -1, ["0.0.0.0/0"], [])])], "sg") == "pass"
}

test_unknown_sources_unknown if {
	sg := _unknown(_sg([_rule("tcp", 22, 22, [], [])]), {"ingress.0.cidr_blocks": "var.ssh_cidrs"})
	_verdict([sg], "sg") == "error"
}

test_unknown_ports_of_world_rule_unknown if {
	sg := _unknown(_sg([_rule("tcp", null, null, ["0.0.0.0/0"], [])]), {"ingress.0.from_port": "x", "ingress.0.to_port": "x"})
	_verdict([sg], "sg") == "error"
}

test_admin_ports_from_config if {
	resources := [_sg([_rule("tcp", 2222, 2222, ["0.0.0.0/0"], [])])]
	_verdict(resources, "sg") == "pass"
	cfg := object.union(_cfg, {"admin_ports": [2222]})
	data.auditor.lib.testing.verdict(_results(resources, cfg), "sg") == "fail"
	data.auditor.lib.testing.verdict(_results([_sg([_rule("tcp", 22, 22, ["0.0.0.0/0"], [])])], cfg), "sg") == "pass"
}

# --- GCP firewall rules ----------------------------------------------------------------------

_fw(attributes) := _res("google_compute_firewall", "fw", object.union(
	{"network": "default", "direction": "INGRESS", "disabled": false, "source_ranges": [], "source_tags": [], "target_tags": [], "allowed": [], "denied": []},
	attributes,
))

test_gcp_ssh_open_to_world_fails if {
	resources := [_fw({"source_ranges": ["0.0.0.0/0"], "allowed": [{"protocol": "tcp", "ports": ["22"]}]})]
	_verdict(resources, "fw") == "fail"
	some d in _results(resources, _cfg).deny
	d.message == "firewall rule admits 0.0.0.0/0 to admin port 22 (tcp:22)"
	d.evidence == {"attribute": "allowed.0", "value": {"protocol": "tcp", "ports": ["22"]}}
}

test_gcp_range_and_all_ports_fail if {
	_verdict([_fw({"source_ranges": ["::/0"], "allowed": [{"protocol": "tcp", "ports": ["8000-9000"]}]})], "fw") == "fail"
	_verdict([_fw({"source_ranges": ["0.0.0.0/0"], "allowed": [{"protocol": "tcp", "ports": []}]})], "fw") == "fail"
	_verdict([_fw({"source_ranges": ["0.0.0.0/0"], "allowed": [{"protocol": "all", "ports": []}]})], "fw") == "fail"
}

test_gcp_default_source_fails if {
	_verdict([_fw({"allowed": [{"protocol": "tcp", "ports": ["3389"]}]})], "fw") == "fail"
}

test_gcp_private_or_other_ports_pass if {
	_verdict([_fw({"source_ranges": ["35.235.240.0/20"], "allowed": [{"protocol": "tcp", "ports": ["22"]}]})], "fw") == "pass"
	_verdict([_fw({"source_ranges": ["0.0.0.0/0"], "allowed": [{"protocol": "tcp", "ports": ["443"]}]})], "fw") == "pass"
	_verdict([_fw({"source_ranges": ["0.0.0.0/0"], "allowed": [], "denied": [{"protocol": "tcp", "ports": ["22"]}]})], "fw") == "pass"
	_verdict([_fw({"source_ranges": ["0.0.0.0/0"], "direction": "EGRESS", "allowed": [{"protocol": "tcp", "ports": ["22"]}]})], "fw") == "pass"
}

test_gcp_unknown_sources_unknown if {
	fw := _unknown(_fw({"allowed": [{"protocol": "tcp", "ports": ["22"]}]}), {"source_ranges": "known after apply"})
	_verdict([fw], "fw") == "error"
}

test_gcp_unknown_ports_of_private_rule_pass if {
	fw := _unknown(_fw({"source_ranges": ["10.0.0.0/8"]}), {"allowed": "var.rules"})
	_verdict([fw], "fw") == "pass"
}
