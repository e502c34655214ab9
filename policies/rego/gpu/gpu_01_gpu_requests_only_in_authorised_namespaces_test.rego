package auditor.controls.gpu_01_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.gpu_01.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.gpu_01.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.gpu_01.unknown with input as inp with data.auditor.config as cfg
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

_authorised := object.union(_cfg, {"gpu_namespaces": ["ml-training"]})

test_gpu_outside_authorised_namespaces_fails if {
	w := _w("llm", "web", _spec([_gpu(_c("model"))]))
	_verdict_with([w], "llm", _authorised) == "fail"
	some d in _results([w], _authorised).deny
	d.evidence == {"attribute": "namespace", "value": "web"}
}

test_gpu_in_authorised_namespace_passes if {
	_verdict_with([_w("llm", "ml-training", _spec([_gpu(_c("model"))]))], "llm", _authorised) == "pass"
}

test_gpu_in_limits_only_is_judged if {
	c := object.union(_c("model"), {"resources": {"requests": {"cpu": "1"}, "limits": {"nvidia.com/gpu": "2"}}})
	_verdict_with([_w("llm", "web", _spec([c]))], "llm", _authorised) == "fail"
}

test_gpu_in_init_container_is_judged if {
	spec := object.union(_spec([_c("model")]), {"init_containers": [_gpu(_c("warmup"))]})
	_verdict_with([_w("llm", "web", spec)], "llm", _authorised) == "fail"
}

test_no_authorised_namespaces_configured_is_unknown if {
	_verdict([_w("llm", "ml-training", _spec([_gpu(_c("model"))]))], "llm") == "error"
}

test_unknown_resources_unknown if {
	w := _unknown(_w("llm", "web", _spec([_c("model")])), {"pod.containers.0.resources": "templated"})
	_verdict_with([w], "llm", _authorised) == "error"
}

test_cpu_workload_not_applicable if {
	_verdict_with([_w("web", "web", _spec([_c("web")]))], "web", _authorised) == "not applicable"
}
