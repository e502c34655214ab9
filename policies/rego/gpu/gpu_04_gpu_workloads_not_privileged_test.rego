package auditor.controls.gpu_04_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.gpu_04.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.gpu_04.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.gpu_04.unknown with input as inp with data.auditor.config as cfg
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

_model(spec) := _w("llm", "ml", spec)

_base := _spec([_gpu(_c("model"))])

test_privileged_container_fails if {
	_verdict([_model(_spec([_gpu(_sc(_c("model"), {"privileged": true}))]))], "llm") == "fail"
}

test_privileged_ephemeral_container_fails if {
	spec := object.union(_base, {"ephemeral_containers": [_sc(_c("debug"), {"privileged": true})]})
	_verdict([_model(spec)], "llm") == "fail"
	some d in _results([_model(spec)], _cfg).deny
	d.evidence.attribute == "pod.ephemeral_containers.0.security_context.privileged"
}

test_host_namespaces_fail if {
	_verdict([_model(object.union(_base, {"host_pid": true}))], "llm") == "fail"
	_verdict([_model(object.union(_base, {"host_ipc": true}))], "llm") == "fail"
	_verdict([_model(object.union(_base, {"host_network": true}))], "llm") == "fail"
}

test_host_path_dev_and_sockets_fail if {
	_verdict([_model(object.union(_base, {"volumes": [{"name": "dev", "type": "hostPath", "host_path": "/dev/nvidia0"}]}))], "llm") == "fail"
	_verdict([_model(object.union(_base, {"volumes": [{"name": "d", "type": "hostPath", "host_path": "/var/run/docker.sock"}]}))], "llm") == "fail"
}

test_harmless_host_path_and_lookalikes_pass if {
	_verdict([_model(object.union(_base, {"volumes": [{"name": "cache", "type": "hostPath", "host_path": "/mnt/models"}]}))], "llm") == "pass"
	_verdict([_model(object.union(_base, {"volumes": [{"name": "x", "type": "hostPath", "host_path": "/devices-cache"}]}))], "llm") == "pass"
}

test_hardened_gpu_workload_passes if {
	_verdict([_model(_base)], "llm") == "pass"
}

test_unknown_host_fields_unknown if {
	_verdict([_unknown(_model(_base), {"pod.host_pid": "templated"})], "llm") == "error"
}

test_privileged_non_gpu_workload_not_applicable if {
	_verdict([_w("plugin", "kube-system", _spec([_sc(_c("plugin"), {"privileged": true})]))], "plugin") == "not applicable"
}
