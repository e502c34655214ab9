package auditor.controls.net_01_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_tagged(r, tags) := data.auditor.lib.testing.tagged(r, tags)

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.net_01.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.net_01.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.net_01.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_verdict_cfg(resources, cfg, id) := data.auditor.lib.testing.verdict(_results(resources, cfg), id)

_gpu(sgs) := _res("aws_instance", "i-gpu", {"instance_type": "p4d.24xlarge", "security_groups": sgs})

_sg(id, ingress) := _res("aws_security_group", id, {"group_name": id, "ingress": ingress, "egress": []})

_rule(protocol, from, to, cidrs, ipv6) := {
	"protocol": protocol,
	"from_port": from,
	"to_port": to,
	"cidr_blocks": cidrs,
	"ipv6_cidr_blocks": ipv6,
	"source_security_groups": [],
}

_ssh_world := _rule("tcp", 22, 22, ["0.0.0.0/0"], [])

_https_world := _rule("tcp", 443, 443, ["0.0.0.0/0"], ["::/0"])

# --- AWS security groups attached to AI instances -----------------------------------------

test_world_ingress_to_gpu_instance_fails if {
	resources := [_gpu(["sg-1"]), _sg("sg-1", [_ssh_world])]
	_verdict(resources, "sg-1") == "fail"
	some d in _results(resources, _cfg).deny
	d.resource == "sg-1"
	d.evidence == {"attribute": "ingress.0", "value": _ssh_world}
	contains(d.message, "admits 0.0.0.0/0 (tcp 22)")
	contains(d.message, "AI compute i-gpu")
}

test_private_ingress_passes if {
	private := _rule("tcp", 22, 22, ["10.0.0.0/8"], [])
	from_lb := object.union(_rule("tcp", 8080, 8080, [], []), {"source_security_groups": ["sg-lb"]})
	_verdict([_gpu(["sg-1"]), _sg("sg-1", [private, from_lb])], "sg-1") == "pass"
}

test_ipv6_world_fails if {
	_verdict([_gpu(["sg-1"]), _sg("sg-1", [_rule("tcp", 8000, 8000, [], ["::/0"])])], "sg-1") == "fail"
}

test_all_protocols_world_fails if {
	_verdict([_gpu(["sg-1"]), _sg("sg-1", [_rule("-1", 0, 0, ["0.0.0.0/0"], [])])], "sg-1") == "fail"
}

test_world_rule_without_ports_fails if {
	_verdict([_gpu(["sg-1"]), _sg("sg-1", [{"protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}])], "sg-1") == "fail"
}

test_https_directly_on_instance_fails if {
	_verdict([_gpu(["sg-1"]), _sg("sg-1", [_https_world])], "sg-1") == "fail"
}

test_unknown_sources_are_unknown if {
	sg := _unknown(_sg("sg-1", [_rule("tcp", 22, 22, [], [])]), {"ingress.0.cidr_blocks": "var.admin_cidrs has no value"})
	_verdict([_gpu(["sg-1"]), sg], "sg-1") == "error"
	some u in _results([_gpu(["sg-1"]), sg], _cfg).unknown
	u.reason == "var.admin_cidrs has no value"
}

test_unknown_ports_of_private_rule_do_not_matter if {
	sg := _unknown(_sg("sg-1", [_rule("tcp", null, null, ["10.0.0.0/8"], [])]), {"ingress.0.from_port": "x"})
	_verdict([_gpu(["sg-1"]), sg], "sg-1") == "pass"
}

test_unknown_ingress_list_is_unknown if {
	sg := _unknown(_res("aws_security_group", "sg-1", {"egress": []}), {"ingress": "known after apply"})
	_verdict([_gpu(["sg-1"]), sg], "sg-1") == "error"
}

test_known_failure_stands_beside_unknown_rule if {
	sg := _unknown(_sg("sg-1", [_ssh_world, _rule("tcp", 80, 80, [], [])]), {"ingress.1.cidr_blocks": "x"})
	_verdict([_gpu(["sg-1"]), sg], "sg-1") == "fail"
}

test_non_ai_instance_not_applicable if {
	web := _res("aws_instance", "i-web", {"instance_type": "m5.large", "security_groups": ["sg-1"]})
	_verdict([web, _sg("sg-1", [_ssh_world])], "sg-1") == "not applicable"
}

test_ai_tag_makes_instance_ai if {
	web := _tagged(_res("aws_instance", "i-web", {"instance_type": "m5.large", "security_groups": ["sg-1"]}), {"ai-workload": "inference"})
	_verdict([web, _sg("sg-1", [_ssh_world])], "sg-1") == "fail"
}

test_ai_tag_keys_from_config if {
	web := _tagged(_res("aws_instance", "i-web", {"instance_type": "m5.large", "security_groups": ["sg-1"]}), {"team-ml": "yes"})
	cfg := object.union(_cfg, {"ai_tag_keys": ["team-ml"]})
	_verdict_cfg([web, _sg("sg-1", [_ssh_world])], cfg, "sg-1") == "fail"
	_verdict([web, _sg("sg-1", [_ssh_world])], "sg-1") == "not applicable"
}

test_sagemaker_model_security_group if {
	model := _res("aws_sagemaker_model", "m", {"vpc_config": {"subnets": ["subnet-1"], "security_group_ids": ["sg-1"]}})
	_verdict([model, _sg("sg-1", [_ssh_world])], "sg-1") == "fail"
	_verdict([model, _sg("sg-1", [])], "sg-1") == "pass"
	_verdict([model, _sg("sg-1", [])], "m") == "not applicable"
	_verdict([model], "m") == "error"
}

# --- unresolved instances and unjudged groups ---------------------------------------------

_unresolved(sgs) := _unknown(
	_res("aws_instance", "i-var", {"security_groups": sgs}),
	{"instance_type": "variable without value"},
)

test_unresolved_instance_world_ingress_is_unknown if {
	_verdict([_unresolved(["sg-1"]), _sg("sg-1", [_ssh_world])], "sg-1") == "error"
	some u in _results([_unresolved(["sg-1"]), _sg("sg-1", [_ssh_world])], _cfg).unknown
	contains(u.reason, "cannot tell whether i-var is AI compute")
}

test_unresolved_instance_private_group_passes if {
	_verdict([_unresolved(["sg-1"]), _sg("sg-1", [_rule("tcp", 22, 22, ["10.0.0.0/8"], [])])], "sg-1") == "pass"
}

test_group_missing_from_snapshot_is_unknown if {
	_verdict([_gpu(["sg-elsewhere"])], "i-gpu") == "error"
}

test_instance_groups_unknown if {
	gpu := _unknown(_res("aws_instance", "i-gpu", {"instance_type": "g5.xlarge"}), {"security_groups": "known after apply"})
	_verdict([gpu], "i-gpu") == "error"
}

test_instance_without_groups_is_unknown if {
	_verdict([_gpu([])], "i-gpu") == "error"
}

test_instance_with_judged_groups_not_applicable if {
	_verdict([_gpu(["sg-1"]), _sg("sg-1", [])], "i-gpu") == "not applicable"
}

# --- load balancers in front of AI services --------------------------------------------------

_lb_world(lb_sgs, instance_sgs) := [
	_gpu(instance_sgs),
	_res("aws_lb_target_group", "tg", {"targets": [{"target": "i-gpu", "port": 8080}]}),
	_res("aws_lb_listener", "l", {"load_balancer": "lb", "protocol": "HTTPS", "actions": [{"type": "forward", "target_groups": ["tg"]}]}),
	_res("aws_lb", "lb", {"scheme": "internet-facing", "security_groups": lb_sgs}),
]

test_lb_https_exception_passes if {
	resources := array.concat(_lb_world(["sg-lb"], ["sg-app"]), [_sg("sg-lb", [_https_world]), _sg("sg-app", [])])
	_verdict(resources, "sg-lb") == "pass"
	_verdict(resources, "sg-app") == "pass"
}

test_lb_other_port_fails if {
	resources := array.concat(_lb_world(["sg-lb"], ["sg-app"]), [_sg("sg-lb", [_https_world, _rule("tcp", 80, 80, ["0.0.0.0/0"], [])]), _sg("sg-app", [])])
	_verdict(resources, "sg-lb") == "fail"
	some d in _results(resources, _cfg).deny
	contains(d.message, "load balancer lb in front of AI services")
}

test_lb_port_range_covering_443_fails if {
	resources := array.concat(_lb_world(["sg-lb"], ["sg-app"]), [_sg("sg-lb", [_rule("tcp", 0, 65535, ["0.0.0.0/0"], [])]), _sg("sg-app", [])])
	_verdict(resources, "sg-lb") == "fail"
}

test_lb_group_shared_with_instance_fails if {
	resources := array.concat(_lb_world(["sg-shared"], ["sg-shared"]), [_sg("sg-shared", [_https_world])])
	_verdict(resources, "sg-shared") == "fail"
}

test_lb_group_shared_with_other_instance_gets_no_exception if {
	web := _res("aws_instance", "i-web", {"instance_type": "t3.small", "security_groups": ["sg-lb"]})
	resources := array.concat(_lb_world(["sg-lb"], ["sg-app"]), [web, _sg("sg-lb", [_https_world]), _sg("sg-app", [])])
	_verdict(resources, "sg-lb") == "fail"
}

test_public_lb_ports_from_config if {
	resources := array.concat(_lb_world(["sg-lb"], ["sg-app"]), [_sg("sg-lb", [_https_world, _rule("tcp", 80, 80, ["0.0.0.0/0"], [])]), _sg("sg-app", [])])
	_verdict_cfg(resources, object.union(_cfg, {"public_lb_ports": [443, 80]}), "sg-lb") == "pass"
}

test_lb_of_non_ai_service_not_applicable if {
	web := _res("aws_instance", "i-web", {"instance_type": "t3.small", "security_groups": []})
	resources := [
		web,
		_res("aws_lb_target_group", "tg", {"targets": [{"target": "i-web", "port": 80}]}),
		_res("aws_lb_listener", "l", {"load_balancer": "lb", "actions": [{"type": "forward", "target_groups": ["tg"]}]}),
		_res("aws_lb", "lb", {"security_groups": ["sg-lb"]}),
		_sg("sg-lb", [_rule("tcp", 80, 80, ["0.0.0.0/0"], [])]),
	]
	_verdict(resources, "sg-lb") == "not applicable"
}

# --- GCP firewall rules --------------------------------------------------------------------------

_vm(id, machine_type) := _res("google_compute_instance", id, {
	"machine_type": machine_type,
	"network_interfaces": [{"network": "projects/ml-project/global/networks/ml", "public_ip": false}],
	"network_tags": ["gpu"],
	"service_accounts": [],
})

_fw(attributes) := _res("google_compute_firewall", "fw", object.union(
	{
		"network": "ml",
		"direction": "INGRESS",
		"disabled": false,
		"source_ranges": [],
		"source_tags": [],
		"target_tags": ["gpu"],
		"target_service_accounts": [],
		"allowed": [{"protocol": "tcp", "ports": ["22"]}],
		"denied": [],
	},
	attributes,
))

test_gcp_world_rule_fails if {
	resources := [_vm("vm", "a2-highgpu-1g"), _fw({"source_ranges": ["0.0.0.0/0"]})]
	_verdict(resources, "fw") == "fail"
	some d in _results(resources, _cfg).deny
	d.evidence == {"attribute": "source_ranges", "value": ["0.0.0.0/0"]}
	d.message == "firewall rule admits 0.0.0.0/0 (tcp:22) to AI instance vm"
}

test_gcp_ipv6_world_rule_fails if {
	_verdict([_vm("vm", "a3-highgpu-8g"), _fw({"source_ranges": ["::/0"]})], "fw") == "fail"
}

test_gcp_rule_without_source_fails if {
	_verdict([_vm("vm", "a2-highgpu-1g"), _fw({})], "fw") == "fail"
}

test_gcp_private_rule_passes if {
	_verdict([_vm("vm", "a2-highgpu-1g"), _fw({"source_ranges": ["10.0.0.0/8"]})], "fw") == "pass"
	_verdict([_vm("vm", "a2-highgpu-1g"), _fw({"source_tags": ["bastion"]})], "fw") == "pass"
}

test_gcp_disabled_or_egress_rule_passes if {
	_verdict([_vm("vm", "a2-highgpu-1g"), _fw({"source_ranges": ["0.0.0.0/0"], "disabled": true})], "fw") == "pass"
}

test_gcp_unknown_sources_are_unknown if {
	fw := _unknown(_fw({}), {"source_ranges": "known after apply"})
	_verdict([_vm("vm", "a2-highgpu-1g"), fw], "fw") == "error"
}

test_gcp_rule_for_other_targets_not_applicable if {
	_verdict([_vm("vm", "a2-highgpu-1g"), _fw({"source_ranges": ["0.0.0.0/0"], "target_tags": ["web"]})], "fw") == "not applicable"
}

test_gcp_non_ai_instance_not_applicable if {
	_verdict([_vm("vm", "e2-medium"), _fw({"source_ranges": ["0.0.0.0/0"]})], "fw") == "not applicable"
}

test_gcp_unresolved_instance_is_unknown if {
	vm := _unknown(_vm("vm", null), {"machine_type": "var.machine_type has no value"})
	_verdict([vm, _fw({"source_ranges": ["0.0.0.0/0"]})], "fw") == "error"
	_verdict([vm, _fw({"source_ranges": ["10.0.0.0/8"]})], "fw") == "pass"
}
