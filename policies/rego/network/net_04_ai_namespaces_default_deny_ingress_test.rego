package auditor.controls.net_04_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.net_04.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.net_04.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.net_04.unknown with input as inp with data.auditor.config as cfg
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

_ns := data.auditor.lib.k8s_fixtures.namespace("ml", {})

_model := _w("llm", "ml", _spec([_gpu(_c("model"))]))

_np(name, selector, types, ingress) := data.auditor.lib.k8s_fixtures.resource("k8s_network_policy", name, "ml", {"name": name, "namespace": "ml", "pod_selector": selector, "policy_types": types, "ingress": ingress, "egress": []}, {})

_all := {"match_labels": {}, "match_expressions": []}

test_no_policy_fails if {
	_verdict([_ns, _model], "Namespace/ml") == "fail"
}

test_allow_rules_or_partial_selector_fail if {
	allow := _np("allow", _all, ["Ingress"], [{"from": [], "ports": []}])
	_verdict([_ns, _model, allow], "Namespace/ml") == "fail"
	partial := _np("p", {"match_labels": {"app": "llm"}, "match_expressions": []}, ["Ingress"], [])
	_verdict([_ns, _model, partial], "Namespace/ml") == "fail"
	egress_only := _np("e", _all, ["Egress"], [])
	_verdict([_ns, _model, egress_only], "Namespace/ml") == "fail"
}

test_default_deny_passes if {
	_verdict([_ns, _model, _np("deny", _all, ["Ingress"], []), _np("allow", _all, ["Ingress"], [{"from": []}])], "Namespace/ml") == "pass"
	_verdict([_ns, _model, _np("deny", _all, ["Ingress", "Egress"], [])], "Namespace/ml") == "pass"
}

test_policy_in_other_namespace_does_not_count if {
	other := object.union(_np("deny", _all, ["Ingress"], []), {"attributes": {"namespace": "web"}})
	_verdict([_ns, _model, other], "Namespace/ml") == "fail"
}

test_unknown_policy_unknown if {
	np := _unknown(_np("deny", null, ["Ingress"], []), {"pod_selector": "templated"})
	_verdict([_ns, _model, np], "Namespace/ml") == "error"
}

test_ai_labelled_namespace_judged_and_others_not if {
	labelled := data.auditor.lib.k8s_fixtures.namespace("ml", {"ai-workload": "true"})
	_verdict([labelled], "Namespace/ml") == "fail"
	_verdict([_ns, _w("web", "ml", _spec([_c("web")]))], "Namespace/ml") == "not applicable"
}

test_inference_service_makes_an_ai_namespace if {
	isvc := data.auditor.lib.k8s_fixtures.resource("k8s_inference_service", "isvc", "ml", {"name": "llm", "namespace": "ml", "containers": []}, {})
	_verdict([_ns, isvc], "Namespace/ml") == "fail"
}
