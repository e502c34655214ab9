package auditor.controls.img_01_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.img_01.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.img_01.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.img_01.unknown with input as inp with data.auditor.config as cfg
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

test_root_by_default_fails if {
	c := _sc(_c("model"), {"run_as_non_root": null, "run_as_user": null})
	_verdict(_one(c), "llm") == "fail"
}

test_run_as_user_zero_fails_even_with_non_root if {
	_verdict(_one(_sc(_c("model"), {"run_as_non_root": true, "run_as_user": 0})), "llm") == "fail"
}

test_hardened_passes if {
	_verdict(_one(_c("model")), "llm") == "pass"
	_verdict(_one(_sc(_c("model"), {"run_as_non_root": null, "run_as_user": 1000})), "llm") == "pass"
}

test_pod_level_applies_when_container_silent if {
	c := object.union(_c("model"), {"security_context": null})
	spec := object.union(_spec([_gpu(c)]), {"security_context": {"run_as_non_root": true, "run_as_user": 1000}})
	_verdict([_w("llm", "ml", spec)], "llm") == "pass"
}

test_container_false_overrides_pod_true if {
	c := _sc(_c("model"), {"run_as_non_root": false, "run_as_user": null})
	spec := object.union(_spec([_gpu(c)]), {"security_context": {"run_as_non_root": true}})
	_verdict([_w("llm", "ml", spec)], "llm") == "fail"
	some d in _results([_w("llm", "ml", spec)], _cfg).deny
	contains(d.message, "set on the container")
}

test_pod_root_user_beats_nothing_on_container if {
	c := _sc(_c("model"), {"run_as_non_root": null, "run_as_user": null})
	spec := object.union(_spec([_gpu(c)]), {"security_context": {"run_as_user": 0}})
	_verdict([_w("llm", "ml", spec)], "llm") == "fail"
}

test_init_container_judged if {
	spec := object.union(_spec([_gpu(_c("model"))]), {"init_containers": [object.union(_c("init"), {"security_context": null})]})
	_verdict([_w("llm", "ml", spec)], "llm") == "fail"
}

test_ephemeral_container_judged if {
	spec := object.union(_spec([_gpu(_c("model"))]), {"ephemeral_containers": [_sc(_c("debug"), {"run_as_non_root": false, "run_as_user": null})]})
	_verdict([_w("llm", "ml", spec)], "llm") == "fail"
}

test_unknown_security_context_unknown if {
	w := _unknown(_w("llm", "ml", _spec([_gpu(object.union(_c("model"), {"security_context": null}))])), {"pod.security_context": "templated"})
	_verdict([w], "llm") == "error"
}

test_sidecar_in_ai_namespace_judged_and_other_namespaces_not if {
	side := _w("gateway", "ml", _spec([object.union(_c("gw"), {"security_context": null})]))
	web := _w("web", "web", _spec([object.union(_c("web"), {"security_context": null})]))
	resources := array.concat(_one(_c("model")), [side, web])
	_verdict(resources, "gateway") == "fail"
	_verdict(resources, "web") == "not applicable"
}
