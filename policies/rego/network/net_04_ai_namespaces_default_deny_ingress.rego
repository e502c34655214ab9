# METADATA
# title: Namespaces running AI workloads have a default-deny ingress NetworkPolicy
# description: |
#   Every namespace running AI workloads or KServe InferenceServices, or labelled with
#   an `ai_tag_keys` key (lib/k8s.rego), has a NetworkPolicy that selects every pod
#   (empty `podSelector`), has Ingress among its policy types (the default when
#   `policyTypes` is omitted) and no ingress rule: all ingress is denied unless another
#   policy allows it. Without one, every pod of the cluster can reach the model
#   servers.
#   Unknown: a NetworkPolicy of the namespace has unknown selector, types or rules and
#   no other one is a default deny.
# custom:
#   id: NET-04
#   severity: medium
#   domain: network
#   resource_kinds: [k8s_namespace, k8s_workload, k8s_network_policy, k8s_inference_service]
#   frameworks:
#     nist-sp-800-53-r5: [SC-7, AC-4]
#     iso-27001-2022: [A.8.20, A.8.22]
#     mitre-atlas: [AML.M0019]
#   remediation: >-
#     Add to the namespace a NetworkPolicy `{spec: {podSelector: {}, policyTypes:
#     [Ingress]}}` (no `ingress` rules), then allow the callers the model servers need
#     with further policies.
package auditor.controls.net_04

import rego.v1

applicable contains id if {
	some ns in data.auditor.lib.k8s.ai_namespaces
	id := data.auditor.lib.k8s.namespace_id(ns)
}

_policies(ns) := [p | some p in input.resources.k8s_network_policy; p.attributes.namespace == ns]

_deciding := ["pod_selector", "policy_types", "ingress"]

_known(p) if {
	every path in _deciding {
		not data.auditor.lib.util.is_unknown(p, path)
	}
}

_default_deny(p) if {
	_known(p)
	sel := data.auditor.lib.util.as_object(p.attributes.pod_selector)
	count(data.auditor.lib.util.as_object(object.get(sel, "match_labels", {}))) == 0
	count(data.auditor.lib.util.as_array(object.get(sel, "match_expressions", []))) == 0
	"Ingress" in data.auditor.lib.util.as_array(p.attributes.policy_types)
	count(data.auditor.lib.util.as_array(object.get(p.attributes, "ingress", []))) == 0
}

_has_default_deny(ns) if {
	some p in _policies(ns)
	_default_deny(p)
}

_unknown_policies(ns) := [p | some p in _policies(ns); not _known(p)]

deny contains data.auditor.lib.result.fail(n, msg, "network_policies", names) if {
	some ns in data.auditor.lib.k8s.ai_namespaces
	n := input.resources.k8s_namespace[data.auditor.lib.k8s.namespace_id(ns)]
	not _has_default_deny(ns)
	count(_unknown_policies(ns)) == 0
	names := sort([p.attributes.name | some p in _policies(ns)])
	msg := sprintf("namespace %s runs AI workloads and has no default-deny ingress NetworkPolicy (%d other policies)", [ns, count(names)])
}

unknown contains data.auditor.lib.result.unknown_because(n, "network_policies", why) if {
	some ns in data.auditor.lib.k8s.ai_namespaces
	n := input.resources.k8s_namespace[data.auditor.lib.k8s.namespace_id(ns)]
	not _has_default_deny(ns)
	p := _unknown_policies(ns)[0]
	why := sprintf("NetworkPolicy %s: %s", [p.name, concat("; ", [r | some path in _deciding; r := p.unknown[path]])])
}
