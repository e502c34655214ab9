package auditor.controls.gpu_02_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.gpu_02.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.gpu_02.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.gpu_02.unknown with input as inp with data.auditor.config as cfg
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

test_untainted_gpu_node_fails if {
	_verdict([_node([], _gpus, {})], "n") == "fail"
}

test_prefer_no_schedule_and_system_taints_fail if {
	_verdict([_node([{"key": "nvidia.com/gpu", "value": "present", "effect": "PreferNoSchedule"}], _gpus, {})], "n") == "fail"
	_verdict([_node([{"key": "node.kubernetes.io/unschedulable", "value": null, "effect": "NoSchedule"}], _gpus, {})], "n") == "fail"
}

test_no_schedule_taint_passes if {
	_verdict([_node([{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}], _gpus, {})], "n") == "pass"
	_verdict([_node([{"key": "dedicated", "value": "ml", "effect": "NoExecute"}], _gpus, {})], "n") == "pass"
}

test_gpu_label_makes_a_gpu_node if {
	_verdict([_node([], {"cpu": "8"}, {"cloud.google.com/gke-accelerator": "nvidia-l4"})], "n") == "fail"
}

test_unknown_taints_unknown if {
	_verdict([_unknown(_node(null, _gpus, {}), {"taints": "denied"})], "n") == "error"
}

test_cpu_node_not_applicable if {
	_verdict([_node([], {"cpu": "8", "nvidia.com/gpu": "0"}, {})], "n") == "not applicable"
}
