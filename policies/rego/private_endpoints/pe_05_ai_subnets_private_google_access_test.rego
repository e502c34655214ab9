package auditor.controls.pe_05_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.pe_05.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.pe_05.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.pe_05.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_vm(machine, subnet) := _res("google_compute_instance", "vm", {"machine_type": machine, "network_interfaces": [{"network": "net", "subnetwork": subnet}]})

_subnet(pga) := _res("google_compute_subnetwork", "sub", {"network": "net", "private_ip_google_access": pga})

test_ai_subnet_without_private_access_fails if {
	_verdict([_vm("a2-highgpu-1g", "sub"), _subnet(false)], "sub") == "fail"
	some d in _results([_vm("a2-highgpu-1g", "sub"), _subnet(false)]).deny
	d.evidence == {"attribute": "private_ip_google_access", "value": false}
}

test_ai_subnet_with_private_access_passes if {
	_verdict([_vm("g2-standard-4", "sub"), _subnet(true)], "sub") == "pass"
	_verdict([_vm("g2-standard-4", "sub"), _subnet(true)], "vm") == "not applicable"
}

test_subnet_of_non_ai_instance_not_applicable if {
	_verdict([_vm("e2-small", "sub"), _subnet(false)], "sub") == "not applicable"
}

test_subnet_without_instances_not_applicable if {
	_verdict([_subnet(false)], "sub") == "not applicable"
}

test_private_access_unknown if {
	s := _unknown(_res("google_compute_subnetwork", "sub", {"network": "net"}), {"private_ip_google_access": "var.pga"})
	_verdict([_vm("a3-highgpu-8g", "sub"), s], "sub") == "error"
}

test_private_access_null_is_unknown if {
	_verdict([_vm("a3-highgpu-8g", "sub"), _subnet(null)], "sub") == "error"
}

test_subnet_not_in_snapshot_is_unknown_on_instance if {
	_verdict([_vm("a2-highgpu-1g", "projects/host/regions/r/subnetworks/shared")], "vm") == "error"
	some u in _results([_vm("a2-highgpu-1g", "projects/host/regions/r/subnetworks/shared")]).unknown
	contains(u.reason, "Shared VPC")
}

test_interface_without_subnetwork_is_unknown if {
	vm := _res("google_compute_instance", "vm", {"machine_type": "a2-highgpu-1g", "network_interfaces": [{"network": "default"}]})
	_verdict([vm], "vm") == "error"
	vm2 := _res("google_compute_instance", "vm", {"machine_type": "a2-highgpu-1g", "network_interfaces": [{"network": "default", "subnetwork": null}]})
	_verdict([vm2], "vm") == "error"
}

test_interfaces_unknown if {
	vm := _unknown(_res("google_compute_instance", "vm", {"machine_type": "a2-highgpu-1g"}), {"network_interfaces": "dynamic block"})
	_verdict([vm], "vm") == "error"
}

test_unresolved_instance_gives_unknown if {
	vm := _unknown(_res("google_compute_instance", "vm", {"network_interfaces": [{"subnetwork": "sub"}]}), {"machine_type": "var.type"})
	_verdict([vm, _subnet(false)], "sub") == "error"
	_verdict([vm, _subnet(true)], "sub") == "pass"
}

test_accelerator_makes_ai if {
	vm := _res("google_compute_instance", "vm", {"machine_type": "n1-standard-8", "guest_accelerators": [{"type": "nvidia-tesla-t4", "count": 1}], "network_interfaces": [{"subnetwork": "sub"}]})
	_verdict([vm, _subnet(false)], "sub") == "fail"
}

test_null_interfaces_are_safe if {
	vm := _res("google_compute_instance", "vm", {"machine_type": "a2-highgpu-1g", "network_interfaces": [null]})
	_verdict([vm, _subnet(false)], "sub") == "not applicable"
	vm2 := _res("google_compute_instance", "vm", {"machine_type": "a2-highgpu-1g", "network_interfaces": null})
	_verdict([vm2], "vm") == "not applicable"
}
