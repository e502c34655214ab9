package auditor.controls.enc_05_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.enc_05.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.enc_05.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.enc_05.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_vm(machine, disks) := _res("google_compute_instance", "vm", {"machine_type": machine, "disks": disks})

_cmek(source, boot) := {"source": source, "boot": boot, "kms_key": "projects/p/locations/l/keyRings/r/cryptoKeys/k", "encryption": "cmek"}

_plain(source, boot, enc) := {"source": source, "boot": boot, "kms_key": null, "encryption": enc}

_scratch := {"source": null, "boot": false, "kms_key": null, "encryption": "google"}

test_google_managed_boot_disk_fails if {
	vm := _vm("a2-highgpu-1g", [_plain(null, true, "google")])
	_verdict([vm], "vm") == "fail"
	some d in _results([vm]).deny
	d.message == "disks of AI instance (a2-highgpu-1g) are not encrypted with a Cloud KMS key: boot disk (Google-managed key)"
}

test_csek_disk_fails if {
	_verdict([_vm("a2-highgpu-1g", [_cmek(null, true), _plain("d1", false, "csek")])], "vm") == "fail"
}

test_all_cmek_passes_and_local_ssd_ignored if {
	_verdict([_vm("a3-highgpu-8g", [_cmek(null, true), _cmek("d1", false), _scratch])], "vm") == "pass"
}

test_no_disks_passes if {
	_verdict([_vm("a3-highgpu-8g", [])], "vm") == "pass"
	_verdict([_vm("a3-highgpu-8g", null)], "vm") == "pass"
}

test_non_ai_not_applicable if {
	_verdict([_vm("e2-small", [_plain(null, true, "google")])], "vm") == "not applicable"
}

test_disk_encryption_unknown if {
	vm := _unknown(_vm("a2-highgpu-1g", [_cmek(null, true), {"source": "d1", "boot": false}]), {"disks.1.encryption": "google_compute_disk not collected", "disks.1.kms_key": "google_compute_disk not collected"})
	_verdict([vm], "vm") == "error"
}

test_disks_unknown if {
	vm := _unknown(_res("google_compute_instance", "vm", {"machine_type": "a2-highgpu-1g"}), {"disks": "dynamic block"})
	_verdict([vm], "vm") == "error"
}

test_encryption_null_is_unknown if {
	_verdict([_vm("a2-highgpu-1g", [_plain("d1", false, null)])], "vm") == "error"
}

test_known_failure_stands_with_unknown_disk if {
	vm := _unknown(_vm("a2-highgpu-1g", [_plain(null, true, "google"), {"source": "d1", "boot": false}]), {"disks.1.encryption": "not collected"})
	_verdict([vm], "vm") == "fail"
}

test_unresolved_instance_gives_unknown if {
	vm := _unknown(_res("google_compute_instance", "vm", {"disks": [_plain(null, true, "google")]}), {"machine_type": "var.type"})
	_verdict([vm], "vm") == "error"
}

# A disk attached through a separate resource (Terraform google_compute_attached_disk).
test_attached_disk_resource_judged if {
	vm := _vm("a2-highgpu-1g", [_cmek(null, true)])
	disk := _res("google_compute_disk", "d2", {"encryption": "google", "kms_key": null, "users": ["vm"]})
	_verdict([vm, disk], "d2") == "fail"
	_verdict([vm, disk], "vm") == "pass"
	cmek := _res("google_compute_disk", "d2", {"encryption": "cmek", "kms_key": "k", "users": ["vm"]})
	_verdict([vm, cmek], "d2") == "pass"
	unk := _unknown(_res("google_compute_disk", "d2", {"users": ["vm"]}), {"encryption": "var.key"})
	_verdict([vm, unk], "d2") == "error"
}

test_listed_disk_resource_not_judged_twice if {
	vm := _vm("a2-highgpu-1g", [_cmek(null, true), _plain("d2", false, "google")])
	disk := _res("google_compute_disk", "d2", {"encryption": "google", "kms_key": null, "users": ["vm"]})
	_verdict([vm, disk], "d2") == "not applicable"
	_verdict([vm, disk], "vm") == "fail"
}
