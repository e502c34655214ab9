package auditor.controls.img_08_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.img_08.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.img_08.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.img_08.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_vm(machine, shielded) := _res("google_compute_instance", "vm", {"machine_type": machine, "shielded_vm": shielded})

_all := {"enable_secure_boot": true, "enable_vtpm": true, "enable_integrity_monitoring": true}

test_secure_boot_off_fails if {
	s := object.union(_all, {"enable_secure_boot": false})
	_verdict([_vm("a2-highgpu-1g", s)], "vm") == "fail"
	some d in _results([_vm("a2-highgpu-1g", s)]).deny
	d.message == "AI VM (a2-highgpu-1g) boots without Shielded VM secure boot"
}

test_all_on_passes if {
	_verdict([_vm("a2-highgpu-1g", _all)], "vm") == "pass"
}

test_each_feature_required if {
	some key in object.keys(_all)
	_verdict([_vm("g2-standard-8", object.union(_all, {key: false}))], "vm") == "fail"
}

test_no_shielded_config_fails if {
	_verdict([_vm("a3-highgpu-8g", null)], "vm") == "fail"
	_verdict([_res("google_compute_instance", "vm", {"machine_type": "a3-highgpu-8g"})], "vm") == "fail"
}

test_non_ai_not_applicable if {
	_verdict([_vm("n2-standard-4", null)], "vm") == "not applicable"
}

test_feature_unknown if {
	vm := _unknown(_vm("a2-highgpu-1g", {"enable_vtpm": true, "enable_integrity_monitoring": true}), {"shielded_vm.enable_secure_boot": "var.sb"})
	_verdict([vm], "vm") == "error"
}

test_block_unknown if {
	vm := _unknown(_res("google_compute_instance", "vm", {"machine_type": "a2-highgpu-1g"}), {"shielded_vm": "dynamic block"})
	_verdict([vm], "vm") == "error"
}

test_known_failure_stands_with_unknown_feature if {
	vm := _unknown(_vm("a2-highgpu-1g", {"enable_vtpm": false, "enable_integrity_monitoring": true}), {"shielded_vm.enable_secure_boot": "var.sb"})
	_verdict([vm], "vm") == "fail"
}

test_unresolved_instance_gives_unknown if {
	vm := _unknown(_res("google_compute_instance", "vm", {"shielded_vm": null}), {"machine_type": "var.type"})
	_verdict([vm], "vm") == "error"
	vm2 := _unknown(_res("google_compute_instance", "vm", {"shielded_vm": _all}), {"machine_type": "var.type"})
	_verdict([vm2], "vm") == "pass"
}
