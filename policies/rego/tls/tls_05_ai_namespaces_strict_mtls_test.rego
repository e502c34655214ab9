package auditor.controls.tls_05_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.tls_05.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.tls_05.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.tls_05.unknown with input as inp with data.auditor.config as cfg
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

_in_mesh := data.auditor.lib.k8s_fixtures.namespace("ml", {"istio-injection": "enabled"})

_model := _w("llm", "ml", _spec([_gpu(_c("model"))]))

_pa(name, ns, selector, mode, ports) := data.auditor.lib.k8s_fixtures.resource("k8s_peer_authentication", name, ns, {"name": name, "namespace": ns, "selector": selector, "mtls_mode": mode, "port_level_mtls": ports}, {})

test_no_peer_authentication_is_permissive_and_fails if {
	_verdict([_in_mesh, _model], "Namespace/ml") == "fail"
}

test_namespace_permissive_fails if {
	_verdict([_in_mesh, _model, _pa("default", "ml", null, "PERMISSIVE", {})], "Namespace/ml") == "fail"
}

test_namespace_strict_passes if {
	_verdict([_in_mesh, _model, _pa("default", "ml", null, "STRICT", {})], "Namespace/ml") == "pass"
}

test_mesh_wide_strict_passes_and_namespace_unset_inherits if {
	_verdict([_in_mesh, _model, _pa("default", "istio-system", null, "STRICT", {})], "Namespace/ml") == "pass"
	_verdict([_in_mesh, _model, _pa("default", "istio-system", null, "STRICT", {}), _pa("ns", "ml", null, "UNSET", {})], "Namespace/ml") == "pass"
}

test_namespace_overrides_mesh_wide if {
	_verdict([_in_mesh, _model, _pa("default", "istio-system", null, "STRICT", {}), _pa("ns", "ml", null, "PERMISSIVE", {})], "Namespace/ml") == "fail"
}

test_workload_or_port_relaxation_fails if {
	strict := _pa("default", "ml", null, "STRICT", {})
	_verdict([_in_mesh, _model, strict, _pa("w", "ml", {"app": "llm"}, "DISABLE", {})], "Namespace/ml") == "fail"
	_verdict([_in_mesh, _model, strict, _pa("p", "ml", {"app": "llm"}, null, {"8080": "PERMISSIVE"})], "Namespace/ml") == "fail"
}

test_namespace_outside_mesh_not_applicable if {
	_verdict([data.auditor.lib.k8s_fixtures.namespace("ml", {}), _model], "Namespace/ml") == "not applicable"
}

test_unknown_labels_with_a_mesh_unknown if {
	undeclared := _unknown(data.auditor.lib.k8s_fixtures.namespace("ml", null), {"labels": "not among the manifests"})
	_verdict([undeclared, _model, _pa("default", "istio-system", null, "STRICT", {})], "Namespace/ml") == "error"
	_verdict([undeclared, _model], "Namespace/ml") == "not applicable"
}

test_unknown_mode_unknown if {
	_verdict([_in_mesh, _model, _unknown(_pa("default", "ml", null, null, {}), {"mtls_mode": "templated"})], "Namespace/ml") == "error"
}

test_revision_label_and_ambient_enrol if {
	rev := data.auditor.lib.k8s_fixtures.namespace("ml", {"istio.io/rev": "1-22"})
	_verdict([rev, _model], "Namespace/ml") == "fail"
	ambient := data.auditor.lib.k8s_fixtures.namespace("ml", {"istio.io/dataplane-mode": "ambient"})
	_verdict([ambient, _model], "Namespace/ml") == "fail"
}
