package auditor.controls.enc_01_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_tagged(r, tags) := data.auditor.lib.testing.tagged(r, tags)

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.enc_01.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.enc_01.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.enc_01.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_model := _res("aws_sagemaker_model", "m", {"containers": [{"model_data_url": "s3://artifacts/model.tar.gz"}]})

_cmk := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

_bucket(encryption) := _res("aws_s3_bucket", "b", {"bucket": "artifacts", "encryption": encryption})

_kms(algorithm, key, managed_by) := {"sse_algorithm": algorithm, "kms_master_key_id": key, "key_managed_by": managed_by, "bucket_key_enabled": true, "default": false}

_verdict_of(encryption) := _verdict([_model, _bucket(encryption)], "b")

test_customer_managed_key_passes if {
	_verdict_of(_kms("aws:kms", _cmk, "customer")) == "pass"
	_verdict_of(_kms("aws:kms:dsse", _cmk, "customer")) == "pass"
}

test_aws_managed_key_fails if {
	_verdict_of(_kms("aws:kms", "alias/aws/s3", "aws")) == "fail"
	_verdict_of(_kms("aws:kms", null, "aws")) == "fail"
	some d in _results([_model, _bucket(_kms("aws:kms", "alias/aws/s3", "aws"))], _cfg).deny
	d.evidence == {"attribute": "encryption.key_managed_by", "value": "aws"}
	contains(d.message, "AWS-managed key (alias/aws/s3)")
}

test_sse_s3_fails if {
	_verdict_of({"sse_algorithm": "AES256", "kms_master_key_id": null, "key_managed_by": null, "default": false}) == "fail"
	some d in _results([_model, _bucket({"sse_algorithm": "AES256"})], _cfg).deny
	d.evidence == {"attribute": "encryption.sse_algorithm", "value": "AES256"}
}

test_no_encryption_configuration_fails if {
	_verdict_of(null) == "fail"
	_verdict_of({"sse_algorithm": "AES256", "default": true}) == "fail"
	some d in _results([_model, _bucket(null)], _cfg).deny
	contains(d.message, "only by S3's default SSE-S3")
}

test_owner_from_kms_key_resource if {
	key := _res("aws_kms_key", _cmk, {"key_manager": "CUSTOMER", "key_rotation_enabled": true})
	_verdict([_model, _bucket(_kms("aws:kms", _cmk, null)), key], "b") == "pass"
	aws_key := _res("aws_kms_key", _cmk, {"key_manager": "AWS"})
	_verdict([_model, _bucket(_kms("aws:kms", _cmk, null)), aws_key], "b") == "fail"
}

test_owner_from_key_id if {
	_verdict_of(_kms("aws:kms", "arn:aws:kms:us-east-1:123456789012:alias/aws/s3", null)) == "fail"
	_verdict_of(_kms("aws:kms", null, null)) == "fail"
}

test_owner_cannot_be_told_unknown if {
	_verdict_of(_kms("aws:kms", _cmk, null)) == "error"
	some u in _results([_model, _bucket(_kms("aws:kms", _cmk, null))], _cfg).unknown
	contains(u.reason, "cannot tell whether KMS key")
}

test_unknown_algorithm_unknown if {
	b := _unknown(_bucket(null), {"encryption": "GetBucketEncryption: AccessDenied"})
	_verdict([_model, b], "b") == "error"
}

test_unknown_key_unknown if {
	b := _unknown(_bucket({"sse_algorithm": "aws:kms"}), {"encryption.kms_master_key_id": "aws_kms_key.x.arn known after apply"})
	_verdict([_model, b], "b") == "error"
	some u in _results([_model, b], _cfg).unknown
	u.reason == "aws_kms_key.x.arn known after apply"
	managed := _unknown(_bucket({"sse_algorithm": "aws:kms"}), {"encryption.key_managed_by": "x"})
	_verdict([_model, managed], "b") == "error"
}

test_unknown_key_of_sse_s3_bucket_still_fails if {
	b := _unknown(_bucket({"sse_algorithm": "AES256"}), {"encryption.kms_master_key_id": "x"})
	_verdict([_model, b], "b") == "fail"
}

test_non_ai_bucket_not_applicable if {
	_verdict([_bucket(null)], "b") == "not applicable"
}

test_ai_data_tag_from_config if {
	b := _tagged(_bucket(null), {"corpus": "wiki"})
	cfg := object.union(_cfg, {"ai_data_tag_keys": ["corpus"]})
	data.auditor.lib.testing.verdict(_results([b], cfg), "b") == "fail"
	_verdict([b], "b") == "not applicable"
}
