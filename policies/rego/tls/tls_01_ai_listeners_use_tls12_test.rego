package auditor.controls.tls_01_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_tagged(r, tags) := data.auditor.lib.testing.tagged(r, tags)

_patched(r, fields) := data.auditor.lib.testing.patched(r, fields)

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.tls_01.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.tls_01.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.tls_01.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_forward := {"type": "forward", "target_groups": ["tg"]}

# An inference service behind an ALB: the listener under test plus one HTTPS listener
# forwarding to the GPU instance's target group (which puts the ALB in front of AI).
_world(listener_attributes, instance_type) := [
	_res("aws_instance", "i-gpu", {"instance_type": instance_type}),
	_res("aws_lb_target_group", "tg", {"protocol": "HTTP", "port": 8080, "targets": [{"target": "i-gpu", "port": 8080}]}),
	_res("aws_lb", "lb", {"scheme": "internet-facing", "load_balancer_type": "application"}),
	_res("aws_lb_listener", "l-main", {"load_balancer": "lb", "port": 443, "protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "actions": [_forward]}),
	_res("aws_lb_listener", "l", object.union({"load_balancer": "lb"}, listener_attributes)),
]

_https(policy) := {"port": 443, "protocol": "HTTPS", "ssl_policy": policy, "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x", "actions": [_forward]}

# --- HTTPS / TLS -------------------------------------------------------------------------------

test_tls12_policy_passes if {
	_verdict(_world(_https("ELBSecurityPolicy-TLS13-1-2-2021-06"), "g5.xlarge"), "l") == "pass"
	_verdict(_world(_https("ELBSecurityPolicy-TLS13-1-2-2021-06"), "g5.xlarge"), "l-main") == "pass"
	_verdict(_world(_https("ELBSecurityPolicy-FS-1-2-Res-2020-10"), "g5.xlarge"), "l") == "pass"
}

test_weak_policy_fails if {
	resources := _world(_https("ELBSecurityPolicy-2016-08"), "p4d.24xlarge")
	_verdict(resources, "l") == "fail"
	some d in _results(resources, _cfg).deny
	d.evidence == {"attribute": "ssl_policy", "value": "ELBSecurityPolicy-2016-08"}
	contains(d.message, "admits TLS versions below 1.2")
	_verdict(_world(_https("ELBSecurityPolicy-TLS13-1-1-2021-06"), "p4d.24xlarge"), "l") == "fail"
}

test_missing_policy_fails_with_default if {
	resources := _world(_https(null), "p4d.24xlarge")
	_verdict(resources, "l") == "fail"
	some d in _results(resources, _cfg).deny
	contains(d.message, "ELBSecurityPolicy-2016-08")
}

test_nlb_tls_listener if {
	_verdict(_world({"port": 443, "protocol": "TLS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-3-2021-06", "actions": [_forward]}, "inf2.xlarge"), "l") == "pass"
	_verdict(_world({"port": 443, "protocol": "TLS", "ssl_policy": "ELBSecurityPolicy-2016-08", "actions": [_forward]}, "inf2.xlarge"), "l") == "fail"
}

test_unknown_policy_unknown if {
	world := _world(_https(null), "g5.xlarge")
	listener := _unknown(world[4], {"ssl_policy": "var.ssl_policy has no value"})
	_verdict(array.concat(array.slice(world, 0, 4), [listener]), "l") == "error"
}

test_configured_policy_list if {
	cfg := object.union(_cfg, {"elb_tls_policies": ["ELBSecurityPolicy-TLS13-1-3-2021-06"]})
	resources := _world(_https("ELBSecurityPolicy-TLS13-1-2-2021-06"), "g5.xlarge")
	data.auditor.lib.testing.verdict(_results(resources, cfg), "l") == "fail"
	data.auditor.lib.testing.verdict(_results(_world(_https("ELBSecurityPolicy-TLS13-1-3-2021-06"), "g5.xlarge"), cfg), "l") == "pass"
}

# --- HTTP ------------------------------------------------------------------------------------------

_redirect(protocol) := {"type": "redirect", "redirect_protocol": protocol, "redirect_port": "443", "redirect_status_code": "HTTP_301"}

test_http_redirect_to_https_passes if {
	_verdict(_world({"port": 80, "protocol": "HTTP", "actions": [_redirect("HTTPS")]}, "g5.xlarge"), "l") == "pass"
}

test_http_forward_fails if {
	resources := _world({"port": 80, "protocol": "HTTP", "actions": [_forward]}, "g5.xlarge")
	_verdict(resources, "l") == "fail"
	some d in _results(resources, _cfg).deny
	d.evidence.attribute == "actions.0"
	contains(d.message, "serves plain HTTP: action 0 is forward")
}

test_http_redirect_with_forwarding_rule_fails if {
	_verdict(_world({"port": 80, "protocol": "HTTP", "actions": [_redirect("HTTPS"), _forward]}, "g5.xlarge"), "l") == "fail"
}

test_http_redirect_keeping_protocol_fails if {
	_verdict(_world({"port": 80, "protocol": "HTTP", "actions": [_redirect("#{protocol}")]}, "g5.xlarge"), "l") == "fail"
}

test_http_without_actions_fails if {
	_verdict(_world({"port": 80, "protocol": "HTTP", "actions": []}, "g5.xlarge"), "l") == "fail"
}

test_http_unknown_actions_unknown if {
	world := _world({"port": 80, "protocol": "HTTP"}, "g5.xlarge")
	listener := _unknown(world[4], {"actions": "dynamic block"})
	_verdict(array.concat(array.slice(world, 0, 4), [listener]), "l") == "error"
	one := _unknown(
		_patched(world[4], {"attributes": {"actions": [_redirect(null)]}}),
		{"actions.0.redirect_protocol": "x"},
	)
	_verdict(array.concat(array.slice(world, 0, 4), [one]), "l") == "error"
}

# --- other protocols, scope --------------------------------------------------------------------------

test_plain_tcp_fails if {
	_verdict(_world({"port": 8000, "protocol": "TCP", "actions": [_forward]}, "g5.xlarge"), "l") == "fail"
}

test_no_protocol_fails if {
	_verdict(_world({"port": 80, "actions": [_forward]}, "g5.xlarge"), "l") == "fail"
}

test_unknown_protocol_unknown if {
	world := _world({"port": 80, "actions": [_forward]}, "g5.xlarge")
	listener := _unknown(world[4], {"protocol": "var.protocol"})
	_verdict(array.concat(array.slice(world, 0, 4), [listener]), "l") == "error"
}

test_geneve_not_applicable if {
	_verdict(_world({"port": 6081, "protocol": "GENEVE", "actions": [_forward]}, "g5.xlarge"), "l") == "not applicable"
}

test_load_balancer_of_non_ai_service_not_applicable if {
	resources := _world({"port": 80, "protocol": "HTTP", "actions": [_forward]}, "m5.large")
	_verdict(resources, "l") == "not applicable"
	_verdict(resources, "l-main") == "not applicable"
}

test_ai_tagged_load_balancer if {
	resources := [
		_tagged(_res("aws_lb", "lb", {}), {"ai-workload": "llm-gateway"}),
		_res("aws_lb_listener", "l", {"load_balancer": "lb", "port": 80, "protocol": "HTTP", "actions": [{"type": "fixed-response"}]}),
	]
	_verdict(resources, "l") == "fail"
}
