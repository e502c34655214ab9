package auditor.controls.enc_02_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.enc_02.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.enc_02.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.enc_02.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_key := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

_config(attrs) := _res("aws_sagemaker_endpoint_configuration", "ec", object.union({"production_variants": [{"variant_name": "v", "instance_type": "ml.m5.xlarge"}]}, attrs))

_capture(key) := {"enabled": true, "destination_s3_uri": "s3://capture/ec", "kms_key_id": key}

# --- endpoint configurations ---

test_config_with_keys_passes if {
	_verdict([_config({"kms_key_arn": _key, "data_capture": _capture(_key)})], "ec") == "pass"
	_verdict([_config({"kms_key_arn": _key, "data_capture": null})], "ec") == "pass"
}

test_config_without_volume_key_fails if {
	_verdict([_config({"kms_key_arn": null})], "ec") == "fail"
	some d in _results([_config({})]).deny
	d.evidence == {"attribute": "kms_key_arn", "value": null}
}

test_local_storage_and_serverless_variants_need_no_volume_key if {
	local := _config({"kms_key_arn": null, "production_variants": [{"instance_type": "ml.g5.2xlarge"}, {"instance_type": "ml.p4d.24xlarge"}]})
	_verdict([local], "ec") == "pass"
	serverless := _config({"kms_key_arn": null, "production_variants": [{"variant_name": "s", "instance_type": null}]})
	_verdict([serverless], "ec") == "pass"
	mixed := _config({"kms_key_arn": null, "production_variants": [{"instance_type": "ml.g5.2xlarge"}, {"instance_type": "ml.inf2.xlarge"}]})
	_verdict([mixed], "ec") == "fail"
}

test_data_capture_without_key_fails if {
	_verdict([_config({"kms_key_arn": _key, "data_capture": _capture(null)})], "ec") == "fail"
	implicit := _config({"kms_key_arn": _key, "data_capture": {"destination_s3_uri": "s3://capture/ec"}})
	_verdict([implicit], "ec") == "fail"
	off := _config({"kms_key_arn": _key, "data_capture": {"enabled": false, "destination_s3_uri": "s3://capture/ec"}})
	_verdict([off], "ec") == "pass"
}

test_config_unknown if {
	_verdict([_unknown(_config({}), {"kms_key_arn": "aws_kms_key.k.arn known after apply"})], "ec") == "error"
	_verdict([_unknown(_config({"kms_key_arn": _key, "data_capture": {"enabled": true}}), {"data_capture.kms_key_id": "x"})], "ec") == "error"
	variants := _unknown(_res("aws_sagemaker_endpoint_configuration", "ec", {"kms_key_arn": null}), {"production_variants": "x"})
	# no variant known: the key is asked for (no variant is known to have local storage)
	_verdict([variants], "ec") == "fail"
}

# --- notebooks ---

test_notebook if {
	_verdict([_res("aws_sagemaker_notebook_instance", "nb", {"kms_key_id": _key})], "nb") == "pass"
	_verdict([_res("aws_sagemaker_notebook_instance", "nb", {"kms_key_id": null})], "nb") == "fail"
	_verdict([_res("aws_sagemaker_notebook_instance", "nb", {})], "nb") == "fail"
	_verdict([_unknown(_res("aws_sagemaker_notebook_instance", "nb", {}), {"kms_key_id": "x"})], "nb") == "error"
}

# --- training jobs ---

_job(attrs) := _res("aws_sagemaker_training_job", "j", object.union({"instance_type": "ml.m5.4xlarge", "output_s3_uri": "s3://artifacts/out"}, attrs))

test_training_job if {
	_verdict([_job({"volume_kms_key_id": _key, "output_kms_key_id": _key})], "j") == "pass"
	_verdict([_job({"volume_kms_key_id": _key, "output_kms_key_id": null})], "j") == "fail"
	_verdict([_job({"volume_kms_key_id": null, "output_kms_key_id": _key})], "j") == "fail"
	_verdict([_job({"instance_type": "ml.p4d.24xlarge", "volume_kms_key_id": null, "output_kms_key_id": _key})], "j") == "pass"
	_verdict([_unknown(_job({"output_kms_key_id": _key}), {"volume_kms_key_id": "x"})], "j") == "error"
	_verdict([_unknown(_res("aws_sagemaker_training_job", "j", {"output_kms_key_id": _key}), {"instance_type": "x"})], "j") == "error"
}
