package auditor.controls.enc_07_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.enc_07.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.enc_07.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.enc_07.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_model(image) := _res("aws_sagemaker_model", "m", {"containers": [{"image": image}]})

_repo(attrs) := _res("aws_ecr_repository", "r", object.union({"repository_name": "ml/llm"}, attrs))

_image := "123456789012.dkr.ecr.us-east-1.amazonaws.com/ml/llm:1.2@sha256:0000000000000000000000000000000000000000000000000000000000000000"

test_kms_registry_passes if {
	_verdict([_model(_image), _repo({"encryption_type": "KMS", "kms_key": "k"})], "r") == "pass"
	_verdict([_model(_image), _repo({"encryption_type": "KMS_DSSE"})], "r") == "pass"
}

test_aes256_registry_fails if {
	_verdict([_model(_image), _repo({"encryption_type": "AES256"})], "r") == "fail"
	_verdict([_model(_image), _repo({})], "r") == "fail"
	some d in _results([_model(_image), _repo({"encryption_type": "AES256"})]).deny
	contains(d.message, "holds the images of m")
}

test_unknown if {
	r := data.auditor.lib.testing.unknown(_repo({}), {"encryption_type": "var.enc"})
	_verdict([_model(_image), r], "r") == "error"
}

test_which_repositories_are_model_registries if {
	# another repository, or a non-ECR image: not a model registry
	_verdict([_model("123456789012.dkr.ecr.us-east-1.amazonaws.com/ml/other:1"), _repo({})], "r") == "not applicable"
	_verdict([_model("ghcr.io/ml/llm:1"), _repo({})], "r") == "not applicable"
	_verdict([_repo({})], "r") == "not applicable"
	# training image, tag
	job := _res("aws_sagemaker_training_job", "j", {"training_image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ml/llm"})
	_verdict([job, _repo({})], "r") == "fail"
	_verdict([data.auditor.lib.testing.tagged(_repo({}), {"ai-workload": "yes"})], "r") == "fail"
}
