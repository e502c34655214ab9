package auditor.controls.enc_03_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_tagged(r, tags) := data.auditor.lib.testing.tagged(r, tags)

_patched(r, fields) := data.auditor.lib.testing.patched(r, fields)

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.enc_03.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.enc_03.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.enc_03.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_gpu(volumes) := _res("aws_instance", "i-gpu", {"instance_type": "p4d.24xlarge", "volumes": volumes})

_root(encrypted) := {"device_name": "/dev/xvda", "root": true, "encrypted": encrypted, "kms_key_id": null, "volume_id": null}

_data(encrypted) := {"device_name": "/dev/sdf", "root": false, "encrypted": encrypted, "kms_key_id": null, "volume_id": null}

_default(enabled) := _res("aws_ebs_encryption_by_default", "ebs-default", {"enabled": enabled})

# --- instance volumes ------------------------------------------------------------------------------

test_encrypted_volumes_pass if {
	_verdict([_gpu([_root(true), _data(true)])], "i-gpu") == "pass"
}

test_unencrypted_volume_fails if {
	resources := [_gpu([_root(true), _data(false)])]
	_verdict(resources, "i-gpu") == "fail"
	some d in _results(resources, _cfg).deny
	d.evidence == {"attribute": "volumes.1.encrypted", "value": false}
	d.message == "volume 1 (/dev/sdf) of AI instance (p4d.24xlarge) is not encrypted: volumes.1.encrypted is false"
}

test_explicitly_unencrypted_fails_despite_default if {
	resources := [_gpu([_root(false)]), _default(true)]
	_verdict(resources, "i-gpu") == "fail"
	some d in _results(resources, _cfg).deny
	contains(d.message, "does not encrypt volumes created before")
}

test_unset_encryption_passes_with_default_on if {
	_verdict([_gpu([_root(null)]), _default(true)], "i-gpu") == "pass"
}

test_unset_encryption_fails_without_default if {
	_verdict([_gpu([_root(null)])], "i-gpu") == "fail"
	_verdict([_gpu([_root(null)]), _default(false)], "i-gpu") == "fail"
	other_region := _patched(_default(true), {"region": "eu-west-1"})
	_verdict([_gpu([_root(null)]), other_region], "i-gpu") == "fail"
}

test_unset_encryption_with_unknown_default_unknown if {
	d := _unknown(_default(null), {"enabled": "ec2:GetEbsEncryptionByDefault AccessDenied"})
	_verdict([_gpu([_root(null)]), d], "i-gpu") == "error"
	some u in _results([_gpu([_root(null)]), d], _cfg).unknown
	u.resource == "i-gpu"
	contains(u.reason, "AccessDenied")
}

test_unknown_encryption_unknown if {
	gpu := _unknown(_gpu([_root(null)]), {"volumes.0.encrypted": "var.encrypt has no value"})
	_verdict([gpu], "i-gpu") == "error"
	_verdict([gpu, _default(true)], "i-gpu") == "pass"
	whole := _unknown(_res("aws_instance", "i-gpu", {"instance_type": "g5.xlarge"}), {"volumes": "dynamic block"})
	_verdict([whole], "i-gpu") == "error"
}

test_non_ai_instance_not_applicable if {
	_verdict([_res("aws_instance", "i-web", {"instance_type": "m5.large", "volumes": [_root(false)]})], "i-web") == "not applicable"
}

test_unresolved_instance if {
	r := _unknown(_res("aws_instance", "i", {"volumes": [_root(false)]}), {"instance_type": "var.type"})
	_verdict([r], "i") == "error"
	ok := _unknown(_res("aws_instance", "i", {"volumes": [_root(true)]}), {"instance_type": "var.type"})
	_verdict([ok], "i") == "pass"
}

# --- EBS volumes ----------------------------------------------------------------------------------

_volume(encrypted, attached) := _res("aws_ebs_volume", "vol-1", {"encrypted": encrypted, "attached_instances": attached, "size": 500})

test_attached_unencrypted_volume_fails if {
	resources := [_gpu([_root(true)]), _volume(false, ["i-gpu"])]
	_verdict(resources, "vol-1") == "fail"
	some d in _results(resources, _cfg).deny
	d.message == "EBS volume attached to AI instance i-gpu is not encrypted: encrypted is false"
}

test_attached_encrypted_volume_passes if {
	_verdict([_gpu([_root(true)]), _volume(true, ["i-gpu"])], "vol-1") == "pass"
	_verdict([_gpu([_root(true)]), _volume(null, ["i-gpu"]), _default(true)], "vol-1") == "pass"
}

test_attached_volume_unknown if {
	v := _unknown(_volume(null, ["i-gpu"]), {"encrypted": "known after apply"})
	_verdict([_gpu([_root(true)]), v], "vol-1") == "error"
}

test_volume_of_non_ai_instance_not_applicable if {
	web := _res("aws_instance", "i-web", {"instance_type": "t3.large", "volumes": []})
	_verdict([web, _volume(false, ["i-web"])], "vol-1") == "not applicable"
	_verdict([_volume(false, [])], "vol-1") == "not applicable"
}

test_ai_tagged_volume if {
	v := _tagged(_volume(false, []), {"ml-workload": "checkpoints"})
	_verdict([v], "vol-1") == "fail"
}

test_volume_of_unresolved_instance if {
	r := _unknown(_res("aws_instance", "i", {"volumes": []}), {"instance_type": "var.type"})
	_verdict([r, _volume(false, ["i"])], "vol-1") == "error"
	_verdict([r, _volume(true, ["i"])], "vol-1") == "pass"
}

# --- EBS encryption by default ---------------------------------------------------------------------

test_default_off_where_ai_runs_fails if {
	resources := [_gpu([_root(true)]), _default(false)]
	_verdict(resources, "ebs-default") == "fail"
	some d in _results(resources, _cfg).deny
	d.message == "EBS encryption by default is off for account 123456789012, region us-east-1, where AI instances run"
}

test_default_on_passes if {
	_verdict([_gpu([_root(true)]), _default(true)], "ebs-default") == "pass"
}

test_default_unknown if {
	d := _unknown(_default(null), {"enabled": "AccessDenied"})
	_verdict([_gpu([_root(true)]), d], "ebs-default") == "error"
}

test_default_without_ai_not_applicable if {
	_verdict([_default(false)], "ebs-default") == "not applicable"
	_verdict([_res("aws_instance", "i-web", {"instance_type": "m5.large"}), _default(false)], "ebs-default") == "not applicable"
	elsewhere := _patched(_default(false), {"region": "ap-south-1"})
	_verdict([_gpu([_root(true)]), elsewhere], "ebs-default") == "not applicable"
}
