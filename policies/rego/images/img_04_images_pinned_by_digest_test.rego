package auditor.controls.img_04_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.img_04.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.img_04.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.img_04.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_repo := "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference"

_digest := "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"

_model(images) := _res("aws_sagemaker_model", "m", {
	"execution_role_arn": "arn:aws:iam::123456789012:role/sm",
	"containers": [{"image": image, "model_data_url": "s3://artifacts/model.tar.gz"} | some image in images],
})

test_latest_fails if {
	resources := [_model([concat(":", [_repo, "latest"])])]
	_verdict(resources, "m") == "fail"
	some d in _results(resources, _cfg).deny
	d.evidence == {"attribute": "containers.0.image", "value": concat(":", [_repo, "latest"])}
	contains(d.message, "its tag is \"latest\"")
}

test_untagged_fails if {
	_verdict([_model([_repo])], "m") == "fail"
}

test_mutable_tag_fails if {
	_verdict([_model([concat(":", [_repo, "2.1.1-tgi2.0.0-gpu-py310-cu121-ubuntu22.04"])])], "m") == "fail"
}

test_digest_passes if {
	_verdict([_model([concat("@", [_repo, _digest])])], "m") == "pass"
}

test_tag_and_digest_passes if {
	_verdict([_model([concat("", [_repo, ":2.1.1@", _digest])])], "m") == "pass"
}

test_one_unpinned_container_of_many_fails if {
	_verdict([_model([concat("@", [_repo, _digest]), "registry.example.com:5000/llm/reranker"])], "m") == "fail"
}

test_truncated_digest_fails if {
	_verdict([_model([concat("", [_repo, "@sha256:4f53cda18c2b"])])], "m") == "fail"
}

test_unknown_image_unknown if {
	model := _unknown(_model([null]), {"containers.0.image": "var.image has no value"})
	_verdict([model], "m") == "error"
	whole := _unknown(_res("aws_sagemaker_model", "m", {}), {"containers": "dynamic block"})
	_verdict([whole], "m") == "error"
}

test_unknown_model_data_does_not_matter if {
	model := _unknown(_model([concat("@", [_repo, _digest])]), {"containers.0.model_data_url": "x"})
	_verdict([model], "m") == "pass"
}

test_container_without_image_passes if {
	_verdict([_res("aws_sagemaker_model", "m", {"containers": [{"image": null, "mode": "SingleModel"}]})], "m") == "pass"
}

test_other_kinds_not_applicable if {
	_verdict([_res("aws_instance", "i", {"instance_type": "g5.xlarge"})], "i") == "not applicable"
}
