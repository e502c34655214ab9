package auditor.controls.gpu_03_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.gpu_03.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.gpu_03.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.gpu_03.unknown with input as inp with data.auditor.config as cfg
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

_ns := data.auditor.lib.k8s_fixtures.namespace("ml", {})

_quota(hard) := data.auditor.lib.k8s_fixtures.resource("k8s_resource_quota", "q", "ml", {"name": "q", "namespace": "ml", "hard": hard, "scopes": []}, {})

_model := _w("llm", "ml", _spec([_gpu(_c("model"))]))

test_no_quota_fails if {
	_verdict([_ns, _model], "Namespace/ml") == "fail"
}

test_quota_without_gpu_key_fails if {
	_verdict([_ns, _model, _quota({"requests.cpu": "64", "limits.nvidia.com/gpu": "4"})], "Namespace/ml") == "fail"
}

test_gpu_quota_passes if {
	_verdict([_ns, _model, _quota({"requests.nvidia.com/gpu": "4"})], "Namespace/ml") == "pass"
}

test_every_device_needs_a_cap if {
	amd := object.union(_c("amd"), {"resources": {"requests": {}, "limits": {"amd.com/gpu": "1"}}})
	w := _w("llm", "ml", _spec([_gpu(_c("model")), amd]))
	_verdict([_ns, w, _quota({"requests.nvidia.com/gpu": "4"})], "Namespace/ml") == "fail"
}

test_unknown_quota_unknown if {
	_verdict([_ns, _model, _unknown(_quota(null), {"hard": "denied"})], "Namespace/ml") == "error"
}

test_namespace_without_gpu_workloads_not_applicable if {
	_verdict([_ns, _w("web", "ml", _spec([_c("web")]))], "Namespace/ml") == "not applicable"
}
