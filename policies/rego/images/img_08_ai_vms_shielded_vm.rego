# METADATA
# title: AI VMs boot with Shielded VM (secure boot, vTPM, integrity monitoring)
# description: |
#   A GCP AI VM (lib/ai.rego) must have all three Shielded VM features on: secure boot
#   (only signed boot components and drivers: a tampered GPU driver or bootkit does not
#   load), the virtual TPM (measured boot) and integrity monitoring (the measurements
#   are compared with the known-good baseline and deviations logged).
#   A feature that is not `true` is off: an instance without a `shielded_vm` block (an
#   image without UEFI support) has none. Terraform's provider defaults apply on the
#   Terraform side (secure boot off, vTPM and integrity monitoring on).
#   Judged: AI instances, and instances whose AI classification is unknown (a would-be
#   failure on those is reported as unknown).
#   Unknown: `shielded_vm` or one of its features is unknown.
# custom:
#   id: IMG-08
#   severity: medium
#   domain: images
#   resource_kinds: [google_compute_instance]
#   frameworks:
#     nist-sp-800-53-r5: [SI-7]
#     iso-27001-2022: [A.8.9]
#   remediation: >-
#     Boot AI VMs from a Shielded-VM-capable (UEFI) image with every feature on:
#     Terraform `shielded_instance_config { enable_secure_boot = true, enable_vtpm = true,
#     enable_integrity_monitoring = true }`; `gcloud compute instances update VM
#     --shielded-secure-boot --shielded-vtpm --shielded-integrity-monitoring` (stopped VM).
#     GPU drivers must be signed for secure boot (Google's driver installer signs them).
package auditor.controls.img_08

import rego.v1

_candidates := data.auditor.lib.ai.gcp_instance_ids | data.auditor.lib.ai.unresolved_gcp_instance_ids

applicable contains id if some id in _candidates

_features := ["enable_secure_boot", "enable_vtpm", "enable_integrity_monitoring"]

_labels := {"enable_secure_boot": "secure boot", "enable_vtpm": "vTPM", "enable_integrity_monitoring": "integrity monitoring"}

# The features known to be off.
_off(r) := [_labels[key] |
	some key in _features
	not data.auditor.lib.util.is_unknown(r, concat(".", ["shielded_vm", key]))
	object.get(data.auditor.lib.util.as_object(_shielded(r)), key, null) != true
]

_shielded(r) := object.get(data.auditor.lib.util.as_object(r.attributes), "shielded_vm", null)

deny contains data.auditor.lib.result.fail(r, msg, "shielded_vm", _shielded(r)) if {
	some id in data.auditor.lib.ai.gcp_instance_ids
	r := input.resources.google_compute_instance[id]
	off := _off(r)
	count(off) > 0
	msg := sprintf("AI VM (%v) boots without Shielded VM %s", [object.get(r.attributes, "machine_type", null), concat(", ", off)])
}

unknown contains data.auditor.lib.result.unknown(r, path) if {
	some id in _candidates
	r := input.resources.google_compute_instance[id]
	some path in data.auditor.lib.util.unknown_paths(r, "shielded_vm")
}

unknown contains data.auditor.lib.result.unknown_because(r, "shielded_vm", why) if {
	some id in data.auditor.lib.ai.unresolved_gcp_instance_ids
	r := input.resources.google_compute_instance[id]
	off := _off(r)
	count(off) > 0
	why := sprintf("Shielded VM %s off; %s", [concat(", ", off), data.auditor.lib.ai.unresolved_reason(id)])
}
