package auditor.controls.enc_04_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.enc_04.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.enc_04.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.enc_04.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_arn := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

_key(attrs) := _res("aws_kms_key", _arn, object.union({"key_manager": "CUSTOMER", "key_usage": "ENCRYPT_DECRYPT", "key_state": "Enabled"}, attrs))

_config(ref) := _res("aws_sagemaker_endpoint_configuration", "ec", {"kms_key_arn": ref})

test_rotating_key_passes if {
	_verdict([_config(_arn), _key({"key_rotation_enabled": true})], _arn) == "pass"
}

test_non_rotating_key_fails if {
	_verdict([_config(_arn), _key({"key_rotation_enabled": false})], _arn) == "fail"
	_verdict([_config(_arn), _key({})], _arn) == "fail"
	some d in _results([_config(_arn), _key({"key_rotation_enabled": false})]).deny
	contains(d.message, "ec")
	d.evidence == {"attribute": "key_rotation_enabled", "value": false}
}

test_key_referenced_by_bare_id if {
	_verdict([_config("1234abcd-12ab-34cd-56ef-1234567890ab"), _key({"key_rotation_enabled": false})], _arn) == "fail"
}

test_unknown_rotation if {
	k := data.auditor.lib.testing.unknown(_key({}), {"key_rotation_enabled": "kms:GetKeyRotationStatus AccessDenied"})
	_verdict([_config(_arn), k], _arn) == "error"
}

test_not_judged if {
	# not referenced by AI
	_verdict([_key({"key_rotation_enabled": false})], _arn) == "not applicable"
	# AWS-managed, asymmetric, pending deletion
	_verdict([_config(_arn), _key({"key_manager": "AWS", "key_rotation_enabled": false})], _arn) == "not applicable"
	_verdict([_config(_arn), _key({"key_usage": "SIGN_VERIFY", "key_rotation_enabled": false})], _arn) == "not applicable"
	_verdict([_config(_arn), _key({"key_state": "PendingDeletion", "key_rotation_enabled": false})], _arn) == "not applicable"
}

test_referrers_of_every_kind if {
	k := _key({"key_rotation_enabled": false})
	model := _res("aws_sagemaker_model", "m", {"containers": [{"model_data_url": "s3://artifacts/m.tar.gz"}]})
	bucket := _res("aws_s3_bucket", "b", {"bucket": "artifacts", "encryption": {"sse_algorithm": "aws:kms", "kms_master_key_id": _arn}})
	_verdict([model, bucket, k], _arn) == "fail"
	_verdict([bucket, k], _arn) == "not applicable"
	_verdict([_res("aws_sagemaker_notebook_instance", "nb", {"kms_key_id": _arn}), k], _arn) == "fail"
	_verdict([_res("aws_sagemaker_training_job", "j", {"output_kms_key_id": _arn}), k], _arn) == "fail"
	_verdict([_res("aws_sagemaker_endpoint_configuration", "ec", {"data_capture": {"kms_key_id": _arn}}), k], _arn) == "fail"
	gpu := _res("aws_instance", "i", {"instance_type": "g5.xlarge", "volumes": [{"kms_key_id": _arn, "encrypted": true}]})
	_verdict([gpu, k], _arn) == "fail"
	vol := _res("aws_ebs_volume", "v", {"kms_key_id": _arn, "attached_instances": ["i"]})
	_verdict([_res("aws_instance", "i", {"instance_type": "p5.48xlarge"}), vol, k], _arn) == "fail"
	cluster := _res("aws_eks_cluster", "c", {"encryption_config": [{"resources": ["secrets"], "key_arn": _arn}]})
	ng := _res("aws_eks_node_group", "ng", {"cluster": "c", "instance_types": ["g5.xlarge"]})
	_verdict([cluster, ng, k], _arn) == "fail"
	repo := data.auditor.lib.testing.tagged(_res("aws_ecr_repository", "r", {"repository_name": "models", "kms_key": _arn}), {"model-artifacts": "yes"})
	_verdict([repo, k], _arn) == "fail"
}
