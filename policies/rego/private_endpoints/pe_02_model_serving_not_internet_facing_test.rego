package auditor.controls.pe_02_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.pe_02.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.pe_02.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.pe_02.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

# ==== AWS part ================================================================================

_gpu := _res("aws_instance", "i-gpu", {"instance_type": "g5.xlarge"})

_cpu := _res("aws_instance", "i-cpu", {"instance_type": "m5.large"})

_tg(target) := _res("aws_lb_target_group", "tg", {"protocol": "HTTP", "port": 8080, "targets": [{"target": target, "port": 8080}]})

_listener := _res("aws_lb_listener", "l", {"load_balancer": "lb", "protocol": "HTTPS", "port": 443, "actions": [{"type": "forward", "target_groups": ["tg"]}]})

_lb(attrs) := _res("aws_lb", "lb", object.union({"load_balancer_type": "application"}, attrs))

_stack(lb) := [_gpu, _tg("i-gpu"), _listener, lb]

test_internal_lb_in_front_of_ai_passes if {
	_verdict(_stack(_lb({"scheme": "internal"})), "lb") == "pass"
}

test_internet_facing_lb_in_front_of_ai_fails if {
	_verdict(_stack(_lb({"scheme": "internet-facing"})), "lb") == "fail"
	some d in _results(_stack(_lb({"scheme": "internet-facing"}))).deny
	d.evidence == {"attribute": "scheme", "value": "internet-facing"}
}

test_scheme_not_set_fails if {
	_verdict(_stack(_lb({"scheme": null})), "lb") == "fail"
	_verdict(_stack(_lb({})), "lb") == "fail"
}

test_scheme_unknown if {
	lb := data.auditor.lib.testing.unknown(_lb({}), {"scheme": "known after apply"})
	_verdict(_stack(lb), "lb") == "error"
}

test_lb_not_in_front_of_ai_not_applicable if {
	_verdict([_cpu, _tg("i-cpu"), _listener, _lb({"scheme": "internet-facing"})], "lb") == "not applicable"
}

test_ai_tagged_lb_judged if {
	lb := data.auditor.lib.testing.tagged(_lb({"scheme": "internet-facing"}), {"ai-workload": "true"})
	_verdict([lb], "lb") == "fail"
	off := data.auditor.lib.testing.tagged(_lb({"scheme": "internet-facing"}), {"ai-workload": "false"})
	_verdict([off], "lb") == "not applicable"
}

# ==== Kubernetes part =========================================================================
# Tests of the k8s_service rules go here.

_k8s_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.pe_02.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.pe_02.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.pe_02.unknown with input as inp with data.auditor.config as _cfg
}

_k8s_verdict(resources, id) := data.auditor.lib.testing.verdict(_k8s_results(resources), id)

_model := data.auditor.lib.k8s_fixtures.gpu_deployment("llm", "ml")

_svc(type, annotations) := data.auditor.lib.k8s_fixtures.service("svc", "ml", type, {"app": "llm"}, annotations)

test_k8s_public_lb_selecting_ai_pods_fails if {
	_k8s_verdict([_model, _svc("LoadBalancer", {})], "svc") == "fail"
	some d in _k8s_results([_model, _svc("LoadBalancer", {})]).deny
	contains(d.message, "llm")
}

test_k8s_internet_facing_scheme_fails if {
	svc := _svc("LoadBalancer", {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"})
	_k8s_verdict([_model, svc], "svc") == "fail"
}

test_k8s_internal_annotations_pass if {
	_k8s_verdict([_model, _svc("LoadBalancer", {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"})], "svc") == "pass"
	_k8s_verdict([_model, _svc("LoadBalancer", {"networking.gke.io/load-balancer-type": "Internal"})], "svc") == "pass"
	_k8s_verdict([_model, _svc("LoadBalancer", {"service.beta.kubernetes.io/aws-load-balancer-internal": "0.0.0.0/0"})], "svc") == "pass"
	_k8s_verdict([_model, _svc("LoadBalancer", {"service.beta.kubernetes.io/aws-load-balancer-internal": "false"})], "svc") == "fail"
}

test_k8s_unknown_annotations_unknown if {
	svc := data.auditor.lib.k8s_fixtures.with_unknown(_svc("LoadBalancer", null), {"annotations": "not readable"})
	_k8s_verdict([_model, svc], "svc") == "error"
}

test_k8s_cluster_ip_and_non_ai_not_applicable if {
	_k8s_verdict([_model, _svc("ClusterIP", {})], "svc") == "not applicable"
	web := data.auditor.lib.k8s_fixtures.workload("llm", "ml", {"app": "llm"}, data.auditor.lib.k8s_fixtures.pod_spec([data.auditor.lib.k8s_fixtures.hardened_container("web", "nginx")]))
	_k8s_verdict([web, _svc("LoadBalancer", {})], "svc") == "not applicable"
}

test_k8s_selector_in_other_namespace_not_applicable if {
	other := data.auditor.lib.k8s_fixtures.service("svc", "web", "LoadBalancer", {"app": "llm"}, {})
	_k8s_verdict([_model, other], "svc") == "not applicable"
}
