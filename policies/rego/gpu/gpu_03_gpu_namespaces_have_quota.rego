# METADATA
# title: Namespaces with GPU workloads have a ResourceQuota on GPU requests
# description: |
#   Every namespace where workloads request GPUs (lib/k8s.rego) has a ResourceQuota
#   whose `spec.hard` caps `requests.<device>` for each GPU device requested there
#   (`requests.nvidia.com/gpu`; Kubernetes quotas extended resources by requests only),
#   so that one tenant cannot take every GPU of the cluster (denial of wallet, LLM10).
#   Unknown: a quota of the namespace has unknown `hard` limits and no other quota of
#   the namespace caps the device.
# custom:
#   id: GPU-03
#   severity: medium
#   domain: gpu
#   resource_kinds: [k8s_namespace, k8s_workload, k8s_resource_quota]
#   frameworks:
#     nist-sp-800-53-r5: [SC-6]
#     iso-27001-2022: [A.8.6]
#     owasp-llm-2025: [LLM10:2025]
#   remediation: >-
#     Add a ResourceQuota to the namespace with `spec.hard: {"requests.nvidia.com/gpu":
#     "<max GPUs>"}` (one key per device type requested there).
package auditor.controls.gpu_03

import rego.v1

applicable contains id if {
	some ns, _ in data.auditor.lib.k8s.gpu_namespaces_in_use
	id := data.auditor.lib.k8s.namespace_id(ns)
}

_quotas(ns) := [q | some q in input.resources.k8s_resource_quota; q.attributes.namespace == ns]

_capped(ns, device) if {
	some q in _quotas(ns)
	data.auditor.lib.k8s.positive_or_zero(object.get(data.auditor.lib.util.as_object(q.attributes.hard), concat("", ["requests.", device]), null))
}

_uncapped(ns) := {d | some d in data.auditor.lib.k8s.gpu_namespaces_in_use[ns]; not _capped(ns, d)}

_unknown_quotas(ns) := [q | some q in _quotas(ns); data.auditor.lib.util.is_unknown(q, "hard")]

deny contains data.auditor.lib.result.fail(n, msg, "resource_quotas", sort(missing)) if {
	some ns, _ in data.auditor.lib.k8s.gpu_namespaces_in_use
	n := input.resources.k8s_namespace[data.auditor.lib.k8s.namespace_id(ns)]
	missing := _uncapped(ns)
	count(missing) > 0
	count(_unknown_quotas(ns)) == 0
	msg := sprintf("namespace %s runs GPU workloads but no ResourceQuota caps %s", [ns, concat(", ", [concat("", ["requests.", d]) | some d in sort(missing)])])
}

unknown contains data.auditor.lib.result.unknown_because(n, "resource_quotas", why) if {
	some ns, _ in data.auditor.lib.k8s.gpu_namespaces_in_use
	n := input.resources.k8s_namespace[data.auditor.lib.k8s.namespace_id(ns)]
	count(_uncapped(ns)) > 0
	q := _unknown_quotas(ns)[0]
	why := sprintf("ResourceQuota %s: %s", [q.name, data.auditor.lib.result.reason(q, "hard")])
}
