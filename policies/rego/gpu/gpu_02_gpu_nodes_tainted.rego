# METADATA
# title: GPU nodes are tainted so that only tolerating workloads land
# description: |
#   Nodes with GPUs or accelerators (a `k8s_gpu_resources` device in their capacity or
#   allocatable, or a `k8s_gpu_node_label_keys` label; lib/k8s.rego) carry a taint with
#   effect NoSchedule or NoExecute, so that only workloads that tolerate it are scheduled
#   there. PreferNoSchedule is not enough, and the taints the node lifecycle controller
#   sets (`node.kubernetes.io/*`, `node.cloudprovider.kubernetes.io/*`: not-ready,
#   unschedulable...) come and go and do not count.
#   Unknown: the node's taints are unknown.
# custom:
#   id: GPU-02
#   severity: medium
#   domain: gpu
#   resource_kinds: [k8s_node]
#   frameworks:
#     nist-sp-800-53-r5: [CM-7, AC-6]
#     iso-27001-2022: [A.8.6]
#   remediation: >-
#     Taint the GPU node pool: `kubectl taint nodes NODE nvidia.com/gpu=present:NoSchedule`
#     (EKS managed node group `taints`, GKE node pool `--node-taints`, AKS
#     `--node-taints`; GKE adds nvidia.com/gpu=present:NoSchedule to GPU pools itself)
#     and give GPU workloads the matching `tolerations`.
package auditor.controls.gpu_02

import rego.v1

applicable contains id if some id in data.auditor.lib.k8s.gpu_node_ids

_system(key) if startswith(key, "node.kubernetes.io/")

_system(key) if startswith(key, "node.cloudprovider.kubernetes.io/")

_repels(t) if {
	t.effect in {"NoSchedule", "NoExecute"}
	is_string(t.key)
	not _system(t.key)
}

deny contains data.auditor.lib.result.fail(n, msg, "taints", taints) if {
	some id in data.auditor.lib.k8s.gpu_node_ids
	n := input.resources.k8s_node[id]
	not data.auditor.lib.util.is_unknown(n, "taints")
	taints := data.auditor.lib.util.as_array(object.get(n.attributes, "taints", []))
	not _tainted(taints)
	msg := sprintf("GPU node %s has no NoSchedule/NoExecute taint: any workload can be scheduled on it", [n.name])
}

_tainted(taints) if {
	some t in taints
	_repels(t)
}

unknown contains data.auditor.lib.result.unknown(n, path) if {
	some id in data.auditor.lib.k8s.gpu_node_ids
	n := input.resources.k8s_node[id]
	some path in data.auditor.lib.util.unknown_paths(n, "taints")
}
