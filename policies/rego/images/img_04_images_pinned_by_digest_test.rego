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

# ==== Kubernetes workloads ======================================================================

_k8s_c(image) := data.auditor.lib.k8s_fixtures.hardened_container("model", image)

_k8s_w(containers, init, ephemeral) := data.auditor.lib.k8s_fixtures.workload("w", "ml", {"app": "w"}, object.union(
	data.auditor.lib.k8s_fixtures.pod_spec([data.auditor.lib.k8s_fixtures.gpu(c, "1") | some c in containers]),
	{"init_containers": init, "ephemeral_containers": ephemeral},
))

_pinned := concat("@", [_repo, _digest])

test_k8s_latest_fails if {
	_verdict([_k8s_w([_k8s_c("vllm/vllm-openai:latest")], [], [])], "w") == "fail"
}

test_k8s_digest_and_tag_with_digest_pass if {
	_verdict([_k8s_w([_k8s_c(_pinned)], [], [])], "w") == "pass"
	_verdict([_k8s_w([_k8s_c(concat("", [_repo, ":2.1@", _digest]))], [], [])], "w") == "pass"
}

test_k8s_init_and_ephemeral_containers_judged if {
	init := [_k8s_c("busybox:1.36")]
	_verdict([_k8s_w([_k8s_c(_pinned)], init, [])], "w") == "fail"
	some d in _results([_k8s_w([_k8s_c(_pinned)], init, [])], _cfg).deny
	d.evidence.attribute == "pod.init_containers.0.image"
	_verdict([_k8s_w([_k8s_c(_pinned)], [], [_k8s_c("busybox")])], "w") == "fail"
}

test_k8s_unknown_image_unknown if {
	w := data.auditor.lib.k8s_fixtures.with_unknown(_k8s_w([_k8s_c(null)], [], []), {"pod.containers.0.image": "templated"})
	_verdict([w], "w") == "error"
}

test_k8s_non_ai_workload_not_applicable if {
	w := data.auditor.lib.k8s_fixtures.workload("web", "web", {}, data.auditor.lib.k8s_fixtures.pod_spec([_k8s_c("nginx")]))
	_verdict([w], "web") == "not applicable"
}
