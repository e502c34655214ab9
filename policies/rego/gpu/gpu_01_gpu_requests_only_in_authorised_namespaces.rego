# METADATA
# title: GPU requests only in namespaces authorised for GPUs
# description: |
#   Kubernetes workloads that request a GPU or accelerator (`k8s_gpu_resources` in the
#   requests or the limits of any container, init containers included; lib/k8s.rego)
#   run only in the namespaces of `gpu_namespaces`. A template is judged once, with its
#   owner (a Deployment, not its ReplicaSets and Pods); bare pods are judged.
#   Not evaluated: `gpu_namespaces` is empty (no namespace has been authorised yet, so
#   the control cannot tell an authorised request from another); a workload's container
#   resources are unknown.
# custom:
#   id: GPU-01
#   severity: high
#   domain: gpu
#   resource_kinds: [k8s_workload]
#   frameworks:
#     nist-sp-800-53-r5: [AC-3, AC-6, CM-7]
#     iso-27001-2022: [A.8.2, A.8.6]
#     owasp-llm-2025: [LLM10:2025]
#   remediation: >-
#     Move the workload to a namespace listed in `controls.gpu_namespaces` (manifest
#     `metadata.namespace`), or remove its `resources.requests`/`resources.limits`
#     `nvidia.com/gpu` entry; enforce it at admission with a ResourceQuota of
#     `requests.nvidia.com/gpu: 0` in every other namespace.
package auditor.controls.gpu_01

import rego.v1

applicable contains id if some id in data.auditor.lib.k8s.gpu_workload_ids

applicable contains id if some id in data.auditor.lib.k8s.unresolved_workload_ids

_allowed := data.auditor.lib.util.as_array(data.auditor.config.gpu_namespaces)

deny contains data.auditor.lib.result.fail(w, msg, "namespace", ns) if {
	count(_allowed) > 0
	some id in data.auditor.lib.k8s.gpu_workload_ids
	w := input.resources.k8s_workload[id]
	ns := data.auditor.lib.k8s.namespace_of(w)
	not ns in _allowed
	gpus := concat(", ", sort(data.auditor.lib.k8s.gpu_requests(w)))
	msg := sprintf("%s %s requests %s in namespace %s, which is not authorised for GPUs (gpu_namespaces: %s)", [w.attributes.workload_kind, w.attributes.name, gpus, ns, concat(", ", sort(_allowed))])
}

unknown contains data.auditor.lib.result.unknown_because(w, "namespace", why) if {
	count(_allowed) == 0
	some id in data.auditor.lib.k8s.gpu_workload_ids
	w := input.resources.k8s_workload[id]
	why := "controls.gpu_namespaces is empty: set the namespaces authorised for GPUs"
}

unknown contains data.auditor.lib.result.unknown(w, path) if {
	some id in data.auditor.lib.k8s.unresolved_workload_ids
	w := input.resources.k8s_workload[id]
	some path in data.auditor.lib.k8s.unknown_container_paths(w, {"resources"})
}
