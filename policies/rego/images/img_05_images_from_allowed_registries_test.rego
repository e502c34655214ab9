package auditor.controls.img_05_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.img_05.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.img_05.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.img_05.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_verdict_with(resources, id, cfg) := data.auditor.lib.testing.verdict(_results(resources, cfg), id)

_c(name) := data.auditor.lib.k8s_fixtures.hardened_container(name, "registry.example.com/ml/vllm@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945")

_gpu(c) := data.auditor.lib.k8s_fixtures.gpu(c, "1")

_spec(containers) := data.auditor.lib.k8s_fixtures.pod_spec(containers)

_w(id, ns, spec) := data.auditor.lib.k8s_fixtures.workload(id, ns, {"app": id}, spec)

_unknown(r, paths) := data.auditor.lib.k8s_fixtures.with_unknown(r, paths)

# _sc(c, fields): the container with its securityContext fields replaced.
_sc(c, fields) := object.union(c, {"security_context": object.union(c.security_context, fields)})

_node(taints, capacity, labels) := data.auditor.lib.k8s_fixtures.resource("k8s_node", "n", null, {"name": "n", "capacity": capacity, "allocatable": capacity, "taints": taints, "labels": labels}, labels)

_gpus := {"cpu": "64", "nvidia.com/gpu": "8"}

_allowed := object.union(_cfg, {"allowed_registries": ["registry.example.com/ml", "ghcr.io/acme/"]})

_img(c, image) := object.union(c, {"image": image})

_one(c) := [_w("llm", "ml", _spec([_gpu(c)]))]

test_other_registry_fails if {
	_verdict_with(_one(_img(_c("model"), "docker.io/vllm/vllm-openai@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945")), "llm", _allowed) == "fail"
	_verdict_with(_one(_img(_c("model"), "vllm/vllm-openai:latest")), "llm", _allowed) == "fail"
}

test_prefix_lookalike_fails if {
	_verdict_with(_one(_img(_c("model"), "registry.example.com/ml-untrusted/llm:1")), "llm", _allowed) == "fail"
}

test_allowed_registry_passes if {
	_verdict_with(_one(_c("model")), "llm", _allowed) == "pass"
	_verdict_with(_one(_img(_c("model"), "ghcr.io/acme/llm:2")), "llm", _allowed) == "pass"
}

test_empty_list_allows_any if {
	_verdict(_one(_img(_c("model"), "quay.io/x/y:1")), "llm") == "pass"
}

test_init_and_ephemeral_containers_judged if {
	init := object.union(_spec([_gpu(_c("model"))]), {"init_containers": [_img(_c("init"), "busybox")]})
	_verdict_with([_w("llm", "ml", init)], "llm", _allowed) == "fail"
	eph := object.union(_spec([_gpu(_c("model"))]), {"ephemeral_containers": [_img(_c("debug"), "nicolaka/netshoot")]})
	_verdict_with([_w("llm", "ml", eph)], "llm", _allowed) == "fail"
}

test_unknown_image_unknown if {
	w := _unknown(_w("llm", "ml", _spec([_gpu(_img(_c("model"), null))])), {"pod.containers.0.image": "templated"})
	_verdict_with([w], "llm", _allowed) == "error"
}

test_non_ai_not_applicable if {
	_verdict_with([_w("web", "web", _spec([_img(_c("web"), "nginx")]))], "web", _allowed) == "not applicable"
}
