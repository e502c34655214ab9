package auditor.controls.img_07_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.img_07.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.img_07.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.img_07.unknown with input as inp with data.auditor.config as cfg
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

_one(c) := [_w("llm", "ml", _spec([_gpu(c)]))]

test_no_profile_fails if {
	_verdict(_one(_sc(_c("model"), {"seccomp_profile": null})), "llm") == "fail"
}

test_unconfined_fails if {
	_verdict(_one(_sc(_c("model"), {"seccomp_profile": {"type": "Unconfined"}})), "llm") == "fail"
}

test_runtime_default_and_localhost_pass if {
	_verdict(_one(_c("model")), "llm") == "pass"
	_verdict(_one(_sc(_c("model"), {"seccomp_profile": {"type": "Localhost", "localhost_profile": "profiles/llm.json"}})), "llm") == "pass"
}

test_pod_level_profile_applies if {
	spec := object.union(_spec([_gpu(_sc(_c("model"), {"seccomp_profile": null}))]), {"security_context": {"seccomp_profile": {"type": "RuntimeDefault"}}})
	_verdict([_w("llm", "ml", spec)], "llm") == "pass"
}

test_container_unconfined_overrides_pod_default if {
	spec := object.union(_spec([_gpu(_sc(_c("model"), {"seccomp_profile": {"type": "Unconfined"}}))]), {"security_context": {"seccomp_profile": {"type": "RuntimeDefault"}}})
	_verdict([_w("llm", "ml", spec)], "llm") == "fail"
}

test_init_and_ephemeral_containers_judged if {
	init := object.union(_spec([_gpu(_c("model"))]), {"init_containers": [_sc(_c("init"), {"seccomp_profile": null})]})
	_verdict([_w("llm", "ml", init)], "llm") == "fail"
	eph := object.union(_spec([_gpu(_c("model"))]), {"ephemeral_containers": [_sc(_c("debug"), {"seccomp_profile": {"type": "Unconfined"}})]})
	_verdict([_w("llm", "ml", eph)], "llm") == "fail"
}

test_unknown_pod_security_context_unknown if {
	w := _unknown(_w("llm", "ml", _spec([_gpu(_sc(_c("model"), {"seccomp_profile": null}))])), {"pod.security_context.seccomp_profile": "templated"})
	_verdict([w], "llm") == "error"
}

test_non_ai_not_applicable if {
	_verdict([_w("web", "web", _spec([_sc(_c("web"), {"seccomp_profile": null})]))], "web") == "not applicable"
}
