# METADATA
# title: Volumes of AI instances are encrypted; EBS encryption by default is on
# description: |
#   The block storage of GPU/accelerator instances (model weights, checkpoints,
#   datasets, caches) is encrypted at rest.
#   Judged: the root and EBS volumes of AI instances (aws_instance.volumes), EBS
#   volumes attached to AI instances (or carrying an AI tag), and the EBS
#   encryption-by-default setting of every account and region (same `scope`, and same
#   account and region where both name one) that runs AI instances.
#   A volume passes when `encrypted` is true, or when it is not set (null) and EBS
#   encryption by default is on for its account and region: AWS then encrypts it
#   whatever the launch request says. A volume with `encrypted` = false fails even
#   where encryption by default is on: the setting applies only to volumes created
#   after it was turned on, a volume read from the live estate as unencrypted is
#   unencrypted, and a policy cannot tell a live volume from one written in Terraform
#   (set `encrypted = true` or drop the argument). An encryption-by-default setting
#   passes when `enabled` is true.
#   Unknown: a volume's `encrypted` (or the volume list) is unknown and encryption by
#   default is not known to be on; `encrypted` is not set and the encryption-by-default
#   setting is unknown; a setting's `enabled` is unknown. A volume that would fail on an
#   instance whose AI classification is unknown is reported as unknown.
#   An account and region without an encryption-by-default resource in the snapshot
#   count as "off" (a Terraform scan sees only what the code declares).
# custom:
#   id: ENC-03
#   severity: high
#   domain: encryption
#   resource_kinds: [aws_instance, aws_ebs_volume, aws_ebs_encryption_by_default]
#   frameworks:
#     nist-sp-800-53-r5: [SC-28, SC-28(1)]
#     iso-27001-2022: [A.8.24]
#     mitre-atlas: [AML.M0012]
#   remediation: >-
#     Turn on EBS encryption by default in every region running AI compute (Terraform
#     `aws_ebs_encryption_by_default { enabled = true }`, EC2 API
#     `EnableEbsEncryptionByDefault`, ideally with `aws_ebs_default_kms_key`), and
#     encrypt the volumes themselves: `root_block_device { encrypted = true }` and
#     `ebs_block_device { encrypted = true }` on `aws_instance`, `encrypted = true` on
#     `aws_ebs_volume`. An existing unencrypted volume must be replaced: snapshot it,
#     copy the snapshot with encryption, and create a volume from the copy.
package auditor.controls.enc_03

import rego.v1

_instances := data.auditor.lib.ai.aws_instance_ids | data.auditor.lib.ai.unresolved_aws_instance_ids

# _failure(r, path, volume): why the volume whose `encrypted` sits at `path` of r fails;
# undefined when it passes or is undecided.
_failure(r, path, volume) := sprintf("%s is false%s", [path, _default_note(r)]) if {
	not data.auditor.lib.util.is_unknown(r, path)
	volume.encrypted == false
}

_failure(r, path, volume) := sprintf("%s is not set and EBS encryption by default is not on for %s", [path, _place(r)]) if {
	not data.auditor.lib.util.is_unknown(r, path)
	not is_boolean(volume.encrypted)
	data.auditor.lib.ebs.default_encryption(r) == "off"
}

_default_note(r) := " (EBS encryption by default is on, but it does not encrypt volumes created before it was)" if {
	data.auditor.lib.ebs.default_encryption(r) == "on"
} else := ""

_place(r) := sprintf("account %v, region %v", [object.get(r, "account", null), object.get(r, "region", null)])

# _undecided(r, path, volume): why the verdict on the volume cannot be given.
_undecided(r, path, volume) := why if {
	not data.auditor.lib.util.is_unknown(r, path)
	not is_boolean(volume.encrypted)
	data.auditor.lib.ebs.default_encryption(r) == "unknown"
	reasons := [reason |
		some id in data.auditor.lib.ebs.settings_for(r)
		reason := input.resources.aws_ebs_encryption_by_default[id].unknown.enabled
	]
	why := sprintf("%s is not set and EBS encryption by default is unknown for %s (%s)", [path, _place(r), concat("; ", reasons)])
}

# --- volumes of AI instances --------------------------------------------------------------------

applicable contains id if some id in _instances

_instance_text(r, i, volume) := sprintf("volume %d (%v%s) of AI instance (%v)", [
	i,
	object.get(data.auditor.lib.util.as_object(volume), "device_name", null),
	_root(volume),
	object.get(r.attributes, "instance_type", null),
])

_root(volume) := ", root" if {
	volume.root == true
} else := ""

deny contains data.auditor.lib.result.fail(r, msg, path, object.get(data.auditor.lib.util.as_object(volume), "encrypted", null)) if {
	some id in data.auditor.lib.ai.aws_instance_ids
	r := input.resources.aws_instance[id]
	some i, volume in data.auditor.lib.util.as_array(r.attributes.volumes)
	path := data.auditor.lib.util.path(["volumes", i, "encrypted"])
	text := _failure(r, path, volume)
	msg := sprintf("%s is not encrypted: %s", [_instance_text(r, i, volume), text])
}

_instance_volume_path(parts) if count(parts) <= 2

_instance_volume_path(parts) if parts[2] == "encrypted"

unknown contains data.auditor.lib.result.unknown(r, path) if {
	some id in _instances
	r := input.resources.aws_instance[id]
	data.auditor.lib.ebs.default_encryption(r) != "on"
	some path in data.auditor.lib.util.unknown_paths(r, "volumes")
	_instance_volume_path(split(path, "."))
}

unknown contains data.auditor.lib.result.unknown_because(r, path, why) if {
	some id in _instances
	r := input.resources.aws_instance[id]
	some i, volume in data.auditor.lib.util.as_array(r.attributes.volumes)
	path := data.auditor.lib.util.path(["volumes", i, "encrypted"])
	why := _undecided(r, path, volume)
}

unknown contains data.auditor.lib.result.unknown_because(r, path, why) if {
	some id in data.auditor.lib.ai.unresolved_aws_instance_ids
	r := input.resources.aws_instance[id]
	some i, volume in data.auditor.lib.util.as_array(r.attributes.volumes)
	path := data.auditor.lib.util.path(["volumes", i, "encrypted"])
	text := _failure(r, path, volume)
	why := sprintf("%s; %s", [text, data.auditor.lib.ai.unresolved_reason(id)])
}

# --- EBS volumes attached to AI instances ----------------------------------------------------------

_ai_volumes := data.auditor.lib.ai_aws.ai_volume_ids

_unresolved_volumes contains id if {
	some id, v in input.resources.aws_ebs_volume
	not id in _ai_volumes
	some instance in data.auditor.lib.util.as_array(v.attributes.attached_instances)
	instance in data.auditor.lib.ai.unresolved_aws_instance_ids
}

applicable contains id if some id in _ai_volumes | _unresolved_volumes

_volume_text(v) := sprintf("EBS volume attached to AI instance %s", [data.auditor.lib.util.describe(attached)]) if {
	attached := {i | some i in data.auditor.lib.util.as_array(v.attributes.attached_instances); i in data.auditor.lib.ai.aws_instance_ids}
	count(attached) > 0
} else := "EBS volume tagged as AI"

deny contains data.auditor.lib.result.fail(v, msg, "encrypted", object.get(v.attributes, "encrypted", null)) if {
	some id in _ai_volumes
	v := input.resources.aws_ebs_volume[id]
	text := _failure(v, "encrypted", v.attributes)
	msg := sprintf("%s is not encrypted: %s", [_volume_text(v), text])
}

unknown contains data.auditor.lib.result.unknown(v, path) if {
	some id in _ai_volumes | _unresolved_volumes
	v := input.resources.aws_ebs_volume[id]
	data.auditor.lib.ebs.default_encryption(v) != "on"
	some path in data.auditor.lib.util.unknown_paths(v, "encrypted")
}

unknown contains data.auditor.lib.result.unknown_because(v, "encrypted", why) if {
	some id in _ai_volumes | _unresolved_volumes
	v := input.resources.aws_ebs_volume[id]
	why := _undecided(v, "encrypted", v.attributes)
}

unknown contains data.auditor.lib.result.unknown_because(v, "encrypted", why) if {
	some id in _unresolved_volumes
	v := input.resources.aws_ebs_volume[id]
	text := _failure(v, "encrypted", v.attributes)
	instances := {i | some i in v.attributes.attached_instances; i in data.auditor.lib.ai.unresolved_aws_instance_ids}
	why := sprintf("%s; %s", [text, concat("; ", [data.auditor.lib.ai.unresolved_reason(i) | some i in instances])])
}

# --- EBS encryption by default where AI instances run ----------------------------------------------

_governing_ai contains id if {
	some instance in data.auditor.lib.ai.aws_instance_ids
	some id in data.auditor.lib.ebs.settings_for(input.resources.aws_instance[instance])
}

applicable contains id if some id in _governing_ai

deny contains data.auditor.lib.result.fail(d, msg, "enabled", object.get(d.attributes, "enabled", null)) if {
	some id in _governing_ai
	d := input.resources.aws_ebs_encryption_by_default[id]
	not data.auditor.lib.util.is_unknown(d, "enabled")
	not d.attributes.enabled == true
	msg := sprintf("EBS encryption by default is off for %s, where AI instances run", [_place(d)])
}

unknown contains data.auditor.lib.result.unknown(d, path) if {
	some id in _governing_ai
	d := input.resources.aws_ebs_encryption_by_default[id]
	some path in data.auditor.lib.util.unknown_paths(d, "enabled")
}
