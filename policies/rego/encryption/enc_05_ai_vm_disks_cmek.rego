# METADATA
# title: Disks of AI VMs use customer-managed encryption keys
# description: |
#   Every persistent disk of a GCP AI VM (lib/ai.rego), boot disk included, is
#   encrypted with a Cloud KMS key (CMEK, `encryption` "cmek"): model weights, datasets
#   and checkpoints on it can then be made unreadable by revoking the key, and every use
#   of the key is in Cloud Audit Logs. Google-managed encryption fails; so does a
#   customer-supplied key (CSEK), which is not a Cloud KMS key: the raw key travels with
#   every start request and its use is not audited in Cloud KMS.
#   Local SSDs (an entry that is neither a boot disk nor backed by a disk resource) are
#   not judged: Compute Engine cannot encrypt them with CMEK.
#   Judged: AI instances (their `disks`, whose encryption the collectors take from the
#   disk resources), instances whose AI classification is unknown, and disk resources
#   whose `users` include an AI instance that does not list them (a Terraform
#   `google_compute_attached_disk`).
#   Unknown: the disks, or a disk's encryption, are unknown (the disks could not be
#   read, a key given by an unknown value) or not determined.
# custom:
#   id: ENC-05
#   severity: medium
#   domain: encryption
#   resource_kinds: [google_compute_instance, google_compute_disk]
#   frameworks:
#     nist-sp-800-53-r5: [SC-28, SC-12]
#     iso-27001-2022: [A.8.24]
#     mitre-atlas: [AML.M0012]
#   remediation: >-
#     Create AI VM disks with a Cloud KMS key: Terraform `boot_disk.kms_key_self_link`,
#     `google_compute_disk.disk_encryption_key.kms_key_self_link` (or `attached_disk.
#     kms_key_self_link`); `gcloud compute disks create ... --kms-key KEY`. Existing disks
#     cannot be re-keyed in place: snapshot them and create new disks from the snapshot
#     with the key.
package auditor.controls.enc_05

import rego.v1

_candidates := data.auditor.lib.ai.gcp_instance_ids | data.auditor.lib.ai.unresolved_gcp_instance_ids

applicable contains id if some id in _candidates

_local_ssd(d) if {
	object.get(d, "boot", false) != true
	not is_string(object.get(d, "source", null))
}

# [index, disk entry] of the judged disks of an instance.
_disks(r) := {[i, d] |
	some i, d in data.auditor.lib.util.as_array(r.attributes.disks)
	is_object(d)
	not _local_ssd(d)
}

_label(d) := source if {
	source := object.get(d, "source", null)
	is_string(source)
}

# Only a boot disk is judged without a source (created inline with the instance).
_label(d) := "boot disk" if not is_string(object.get(d, "source", null))

# [path, entry, message part] of the known non-CMEK disks of an instance.
_findings(r) := {[path, d, text] |
	some [i, d] in _disks(r)
	path := data.auditor.lib.util.path(["disks", i, "encryption"])
	not data.auditor.lib.util.is_unknown(r, path)
	enc := d.encryption
	is_string(enc)
	enc != "cmek"
	text := sprintf("%s (%s)", [_label(d), _describe(enc)])
}

_describe(enc) := "Google-managed key" if enc == "google"

_describe(enc) := "customer-supplied key, not Cloud KMS" if enc == "csek"

_describe(enc) := enc if not enc in {"google", "csek"}

deny contains data.auditor.lib.result.fail(r, msg, "disks", value) if {
	some id in data.auditor.lib.ai.gcp_instance_ids
	r := input.resources.google_compute_instance[id]
	found := _findings(r)
	count(found) > 0
	value := [d | some [_, d, _] in found]
	msg := sprintf("disks of AI instance (%v) are not encrypted with a Cloud KMS key: %s", [
		object.get(r.attributes, "machine_type", null),
		concat(", ", sort([text | some [_, _, text] in found])),
	])
}

unknown contains data.auditor.lib.result.unknown(r, path) if {
	some id in _candidates
	r := input.resources.google_compute_instance[id]
	some path in data.auditor.lib.util.unknown_paths(r, "disks")
	_deciding(split(path, "."))
}

_deciding(parts) if count(parts) <= 2

_deciding(parts) if parts[2] in {"encryption", "source", "boot"}

unknown contains data.auditor.lib.result.unknown_because(r, path, "the disk's encryption was not determined") if {
	some id in _candidates
	r := input.resources.google_compute_instance[id]
	some [i, d] in _disks(r)
	path := data.auditor.lib.util.path(["disks", i, "encryption"])
	not data.auditor.lib.util.is_unknown(r, path)
	not is_string(object.get(d, "encryption", null))
}

unknown contains data.auditor.lib.result.unknown_because(r, "disks", why) if {
	some id in data.auditor.lib.ai.unresolved_gcp_instance_ids
	r := input.resources.google_compute_instance[id]
	found := _findings(r)
	count(found) > 0
	why := sprintf("disks not encrypted with a Cloud KMS key: %s; %s", [
		concat(", ", sort([text | some [_, _, text] in found])),
		data.auditor.lib.ai.unresolved_reason(id),
	])
}

# --- disks attached to AI VMs but not listed by them (Terraform attached-disk resources) --

_listed contains src if {
	some id in _candidates
	some d in data.auditor.lib.util.as_array(input.resources.google_compute_instance[id].attributes.disks)
	src := d.source
	is_string(src)
}

_extra[disk_id] contains id if {
	some disk_id, disk in input.resources.google_compute_disk
	not disk_id in _listed
	some id in data.auditor.lib.util.as_array(disk.attributes.users)
	id in data.auditor.lib.ai.gcp_instance_ids
}

applicable contains disk_id if some disk_id, _ in _extra

deny contains data.auditor.lib.result.fail(disk, msg, "encryption", disk.attributes.encryption) if {
	some disk_id, ids in _extra
	disk := input.resources.google_compute_disk[disk_id]
	not data.auditor.lib.util.is_unknown(disk, "encryption")
	enc := disk.attributes.encryption
	is_string(enc)
	enc != "cmek"
	msg := sprintf("disk attached to AI instance %s is not encrypted with a Cloud KMS key (%s)", [data.auditor.lib.util.describe(ids), _describe(enc)])
}

unknown contains data.auditor.lib.result.unknown(disk, path) if {
	some disk_id, _ in _extra
	disk := input.resources.google_compute_disk[disk_id]
	some path in data.auditor.lib.util.unknown_paths(disk, "encryption")
}

unknown contains data.auditor.lib.result.unknown_because(disk, "encryption", "the disk's encryption was not determined") if {
	some disk_id, _ in _extra
	disk := input.resources.google_compute_disk[disk_id]
	not data.auditor.lib.util.is_unknown(disk, "encryption")
	not is_string(object.get(disk.attributes, "encryption", null))
}
