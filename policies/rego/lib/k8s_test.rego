package auditor.lib.k8s_test

import rego.v1

_cfg := data.auditor.lib.testing.config


_inp(resources) := data.auditor.lib.testing.input_of(resources)

_c := data.auditor.lib.k8s_fixtures.hardened_container("c", "nginx")

_w(containers) := data.auditor.lib.k8s_fixtures.workload("w", "ml", {"app": "w"}, data.auditor.lib.k8s_fixtures.pod_spec(containers))

test_gpu_in_limits_only_is_a_gpu_request if {
	data.auditor.lib.k8s.gpu_requests(_w([data.auditor.lib.k8s_fixtures.gpu(_c, "1")])) == {"nvidia.com/gpu"} with data.auditor.config as _cfg
}

test_gpu_in_requests_is_a_gpu_request if {
	c := object.union(_c, {"resources": {"requests": {"amd.com/gpu": "2"}, "limits": {}}})
	data.auditor.lib.k8s.gpu_workload(_w([c])) with data.auditor.config as _cfg
}

test_zero_gpus_is_not_a_gpu_request if {
	not data.auditor.lib.k8s.gpu_workload(_w([data.auditor.lib.k8s_fixtures.gpu(_c, "0")])) with data.auditor.config as _cfg
}

test_mig_slice_matches_the_prefix if {
	c := object.union(_c, {"resources": {"requests": {}, "limits": {"nvidia.com/mig-1g.10gb": "1"}}})
	data.auditor.lib.k8s.gpu_requests(_w([c])) == {"nvidia.com/mig-1g.10gb"} with data.auditor.config as _cfg
}

test_gpu_in_an_init_container_counts if {
	spec := object.union(data.auditor.lib.k8s_fixtures.pod_spec([_c]), {"init_containers": [data.auditor.lib.k8s_fixtures.gpu(_c, "1")]})
	data.auditor.lib.k8s.gpu_workload(data.auditor.lib.k8s_fixtures.workload("w", "ml", {}, spec)) with data.auditor.config as _cfg
}

test_cpu_only_workload_is_not_ai if {
	ids := data.auditor.lib.k8s.ai_workload_ids with input as _inp([_w([_c])]) with data.auditor.config as _cfg
	not "w" in ids
}

test_kserve_pod_label_makes_ai if {
	w := data.auditor.lib.k8s_fixtures.workload("w", "ml", {"serving.kserve.io/inferenceservice": "llm"}, data.auditor.lib.k8s_fixtures.pod_spec([_c]))
	"w" in data.auditor.lib.k8s.ai_workload_ids with input as _inp([w]) with data.auditor.config as _cfg
}

test_ai_label_false_does_not_make_ai if {
	w := data.auditor.lib.k8s_fixtures.workload("w", "ml", {"ai-workload": "false"}, data.auditor.lib.k8s_fixtures.pod_spec([_c]))
	not "w" in data.auditor.lib.k8s.ai_workload_ids with input as _inp([w]) with data.auditor.config as _cfg
}

test_gpu_node_selector_makes_ai if {
	spec := object.union(data.auditor.lib.k8s_fixtures.pod_spec([_c]), {"node_selector": {"cloud.google.com/gke-accelerator": "nvidia-l4"}})
	w := data.auditor.lib.k8s_fixtures.workload("w", "ml", {}, spec)
	"w" in data.auditor.lib.k8s.ai_workload_ids with input as _inp([w]) with data.auditor.config as _cfg
}

test_null_and_missing_pod_fields_do_not_break if {
	bare := data.auditor.lib.k8s_fixtures.resource("k8s_workload", "b", "ml", {"workload_kind": "Pod", "pod": null}, {})
	empty := data.auditor.lib.k8s_fixtures.resource("k8s_workload", "e", "ml", {}, {})
	odd := data.auditor.lib.k8s_fixtures.workload("o", "ml", null, {"containers": [null, {"resources": null}], "init_containers": null})
	ids := data.auditor.lib.k8s.ai_workload_ids with input as _inp([bare, empty, odd]) with data.auditor.config as _cfg
	count(ids) == 0
}

test_container_value_overrides_pod_value if {
	spec := object.union(data.auditor.lib.k8s_fixtures.pod_spec([object.union(_c, {"security_context": {"run_as_non_root": false}})]), {"security_context": {"run_as_non_root": true}})
	w := data.auditor.lib.k8s_fixtures.workload("w", "ml", {}, spec)
	c := w.attributes.pod.containers[0]
	data.auditor.lib.k8s.effective(w, c, "run_as_non_root") == false
	data.auditor.lib.k8s.effective_source(w, c, "run_as_non_root") == "container"
}

test_pod_value_applies_when_container_is_silent if {
	spec := object.union(data.auditor.lib.k8s_fixtures.pod_spec([object.union(_c, {"security_context": {"run_as_non_root": null}})]), {"security_context": {"run_as_non_root": true}})
	w := data.auditor.lib.k8s_fixtures.workload("w", "ml", {}, spec)
	c := w.attributes.pod.containers[0]
	data.auditor.lib.k8s.effective(w, c, "run_as_non_root") == true
	data.auditor.lib.k8s.effective_source(w, c, "run_as_non_root") == "pod"
}

test_neither_level_set_is_undefined if {
	w := _w([object.union(_c, {"security_context": null})])
	not data.auditor.lib.k8s.effective(w, w.attributes.pod.containers[0], "run_as_non_root")
}

test_selector_matching if {
	data.auditor.lib.k8s.selects({"app": "llm"}, {"app": "llm", "tier": "gpu"})
	not data.auditor.lib.k8s.selects({"app": "llm", "x": "y"}, {"app": "llm"})
	not data.auditor.lib.k8s.selects({}, {"app": "llm"})
	not data.auditor.lib.k8s.selects(null, {"app": "llm"})
}

test_ai_service_selects_ai_pods_in_its_namespace_only if {
	w := data.auditor.lib.k8s_fixtures.gpu_deployment("llm", "ml")
	same := data.auditor.lib.k8s_fixtures.service("s1", "ml", "ClusterIP", {"app": "llm"}, {})
	other := data.auditor.lib.k8s_fixtures.service("s2", "web", "ClusterIP", {"app": "llm"}, {})
	ids := data.auditor.lib.k8s.ai_service_ids with input as _inp([w, same, other]) with data.auditor.config as _cfg
	ids == {"s1"}
}

test_ai_namespaces_and_scope if {
	ai := data.auditor.lib.k8s_fixtures.gpu_deployment("llm", "ml")
	side := data.auditor.lib.k8s_fixtures.workload("gateway", "ml", {}, data.auditor.lib.k8s_fixtures.pod_spec([_c]))
	elsewhere := data.auditor.lib.k8s_fixtures.workload("web", "web", {}, data.auditor.lib.k8s_fixtures.pod_spec([_c]))
	inp := _inp([ai, side, elsewhere])
	data.auditor.lib.k8s.ai_namespaces == {"ml"} with input as inp with data.auditor.config as _cfg
	data.auditor.lib.k8s.ai_scope_workload_ids == {"llm", "gateway"} with input as inp with data.auditor.config as _cfg
	data.auditor.lib.k8s.gpu_namespaces_in_use == {"ml": {"nvidia.com/gpu"}} with input as inp with data.auditor.config as _cfg
}

test_gpu_nodes if {
	cap := data.auditor.lib.k8s_fixtures.resource("k8s_node", "n1", null, {"capacity": {"nvidia.com/gpu": "8"}, "allocatable": {}}, {})
	label := data.auditor.lib.k8s_fixtures.resource("k8s_node", "n2", null, {"capacity": {}}, {"nvidia.com/gpu.present": "true"})
	zero := data.auditor.lib.k8s_fixtures.resource("k8s_node", "n3", null, {"capacity": {"nvidia.com/gpu": "0"}, "allocatable": null}, {})
	ids := data.auditor.lib.k8s.gpu_node_ids with input as _inp([cap, label, zero]) with data.auditor.config as _cfg
	ids == {"n1", "n2"}
}
