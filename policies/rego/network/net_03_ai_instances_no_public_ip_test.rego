package auditor.controls.net_03_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_tagged(r, tags) := data.auditor.lib.testing.tagged(r, tags)

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.net_03.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.net_03.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.net_03.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_ec2(instance_type, public_ip) := _res("aws_instance", "i", {"instance_type": instance_type, "public_ip": public_ip})

# --- AWS ---------------------------------------------------------------------------------

test_gpu_instance_with_public_ip_fails if {
	_verdict([_ec2("g5.2xlarge", true)], "i") == "fail"
	some d in _results([_ec2("g5.2xlarge", true)], _cfg).deny
	d.evidence == {"attribute": "public_ip", "value": true}
	d.message == "AI instance (g5.2xlarge) has a public IPv4 address"
}

test_gpu_instance_without_public_ip_passes if {
	_verdict([_ec2("p5.48xlarge", false)], "i") == "pass"
}

test_public_ip_unknown if {
	r := _unknown(_res("aws_instance", "i", {"instance_type": "trn1.32xlarge"}), {"public_ip": "subnet not in the plan"})
	_verdict([r], "i") == "error"
}

test_public_ip_not_determined_is_unknown if {
	_verdict([_ec2("inf2.xlarge", null)], "i") == "error"
	_verdict([_res("aws_instance", "i", {"instance_type": "inf2.xlarge"})], "i") == "error"
}

test_tagged_instance_of_unknown_type_fails if {
	r := _tagged(_unknown(_res("aws_instance", "i", {"public_ip": true}), {"instance_type": "var.type"}), {"ai-workload": "true"})
	_verdict([r], "i") == "fail"
}

test_non_ai_instance_not_applicable if {
	_verdict([_ec2("t3.micro", true)], "i") == "not applicable"
}

test_instance_family_list_from_config if {
	cfg := object.union(_cfg, {"aws_ai_instance_families": ["p", "g", "inf", "trn", "dl"]})
	data.auditor.lib.testing.verdict(_results([_ec2("gr6.4xlarge", true)], cfg), "i") == "not applicable"
	_verdict([_ec2("gr6.4xlarge", true)], "i") == "fail"
}

test_unresolved_instance_with_public_ip_is_unknown if {
	r := _unknown(_res("aws_instance", "i", {"public_ip": true}), {"instance_type": "var.type"})
	_verdict([r], "i") == "error"
	private := _unknown(_res("aws_instance", "i", {"public_ip": false}), {"instance_type": "var.type"})
	_verdict([private], "i") == "pass"
}

# --- GCP -------------------------------------------------------------------------------------

_vm(machine_type, interfaces) := _res("google_compute_instance", "vm", {"machine_type": machine_type, "network_interfaces": interfaces, "guest_accelerators": []})

test_gcp_external_ip_fails if {
	resources := [_vm("a2-highgpu-1g", [{"network": "default", "public_ip": false}, {"network": "ml", "public_ip": true, "access_configs": [{"nat_ip": "34.1.2.3", "type": "ONE_TO_ONE_NAT"}]}])]
	_verdict(resources, "vm") == "fail"
	some d in _results(resources, _cfg).deny
	d.evidence == {"attribute": "network_interfaces.1.public_ip", "value": true}
}

test_gcp_access_config_without_public_ip_flag_fails if {
	_verdict([_vm("g2-standard-8", [{"network": "default", "public_ip": null, "access_configs": [{"nat_ip": null}]}])], "vm") == "fail"
}

test_gcp_private_vm_passes if {
	_verdict([_vm("a3-highgpu-8g", [{"network": "default", "public_ip": false, "access_configs": []}])], "vm") == "pass"
	_verdict([_vm("a3-highgpu-8g", [{"network": "default", "public_ip": null, "access_configs": []}])], "vm") == "pass"
}

test_gcp_accelerator_vm_is_ai if {
	vm := _res("google_compute_instance", "vm", {
		"machine_type": "n1-standard-8",
		"guest_accelerators": [{"type": "nvidia-tesla-t4", "count": 1}],
		"network_interfaces": [{"network": "default", "public_ip": true}],
	})
	_verdict([vm], "vm") == "fail"
}

test_gcp_unknown_access_config if {
	vm := _unknown(_vm("a2-highgpu-1g", [{"network": "default"}]), {"network_interfaces.0.access_configs": "dynamic block"})
	_verdict([vm], "vm") == "error"
	subnet_only := _unknown(_vm("a2-highgpu-1g", [{"network": "default", "public_ip": false}]), {"network_interfaces.0.subnetwork": "x"})
	_verdict([subnet_only], "vm") == "pass"
}

test_gcp_non_ai_vm_not_applicable if {
	_verdict([_vm("e2-standard-2", [{"network": "default", "public_ip": true}])], "vm") == "not applicable"
}

test_gcp_unresolved_vm_with_external_ip_is_unknown if {
	vm := _unknown(_vm(null, [{"network": "default", "public_ip": true}]), {"machine_type": "var.machine_type"})
	_verdict([vm], "vm") == "error"
}
