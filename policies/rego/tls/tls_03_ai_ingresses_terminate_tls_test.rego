package auditor.controls.tls_03_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.tls_03.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.tls_03.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.tls_03.unknown with input as inp with data.auditor.config as cfg
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

_model := _w("llm", "ml", _spec([_gpu(_c("model"))]))

_svc := data.auditor.lib.k8s_fixtures.service("llm", "ml", "ClusterIP", {"app": "llm"}, {})

_ing(rules, tls, backend) := data.auditor.lib.k8s_fixtures.resource("k8s_ingress", "ing", "ml", {"name": "ing", "namespace": "ml", "rules": rules, "tls": tls, "default_backend": backend, "annotations": {}}, {})

_rule(host, service) := {"host": host, "paths": [{"path": "/", "path_type": "Prefix", "backend": {"service": service, "port": "443"}}]}

test_plain_http_to_ai_fails if {
	_verdict([_model, _svc, _ing([_rule("llm.example.com", "llm")], [], null)], "ing") == "fail"
}

test_tls_for_another_host_fails if {
	ing := _ing([_rule("llm.example.com", "llm")], [{"hosts": ["www.example.com"], "secret_name": "c"}], null)
	_verdict([_model, _svc, ing], "ing") == "fail"
}

test_tls_covering_host_passes if {
	_verdict([_model, _svc, _ing([_rule("llm.example.com", "llm")], [{"hosts": ["llm.example.com"], "secret_name": "c"}], null)], "ing") == "pass"
	_verdict([_model, _svc, _ing([_rule("LLM.example.com", "llm")], [{"hosts": ["*.example.com"], "secret_name": "c"}], null)], "ing") == "pass"
}

test_wildcard_covers_one_label_only if {
	ing := _ing([_rule("a.llm.example.com", "llm")], [{"hosts": ["*.example.com"], "secret_name": "c"}], null)
	_verdict([_model, _svc, ing], "ing") == "fail"
}

test_default_backend_and_hostless_rules if {
	_verdict([_model, _svc, _ing([], [], {"service": "llm", "port": "80"})], "ing") == "fail"
	_verdict([_model, _svc, _ing([_rule(null, "llm")], [{"hosts": [], "secret_name": "c"}], null)], "ing") == "pass"
}

test_unknown_tls_unknown if {
	_verdict([_model, _svc, _unknown(_ing([_rule("llm.example.com", "llm")], null, null), {"tls": "templated"})], "ing") == "error"
}

test_ingress_to_other_services_not_applicable if {
	web := data.auditor.lib.k8s_fixtures.service("web", "ml", "ClusterIP", {"app": "web"}, {})
	_verdict([_model, _svc, web, _ing([_rule("www.example.com", "web")], [], null)], "ing") == "not applicable"
}
