# METADATA
# title: Root filesystem is read-only
# description: |
#   Every container of a Kubernetes workload in AI scope (lib/k8s.rego), init and
#   ephemeral containers included, sets `securityContext.readOnlyRootFilesystem: true`
#   (a container-level field: there is no pod-level default), so that a compromised
#   model server cannot rewrite its own code or drop tools; scratch space goes to an
#   emptyDir.
#   Unknown: a container's securityContext is unknown.
# custom:
#   id: IMG-02
#   severity: medium
#   domain: images
#   resource_kinds: [k8s_workload, k8s_namespace, k8s_inference_service]
#   frameworks:
#     nist-sp-800-53-r5: [CM-6]
#     iso-27001-2022: [A.8.9]
#   remediation: >-
#     Set `securityContext.readOnlyRootFilesystem: true` on each container and mount an
#     `emptyDir` where the server writes (/tmp, model caches).
package auditor.controls.img_02

import rego.v1

applicable contains id if some id in data.auditor.lib.k8s.ai_scope_workload_ids

deny contains data.auditor.lib.result.fail(w, msg, path, value) if {
	some id in data.auditor.lib.k8s.ai_scope_workload_ids
	w := input.resources.k8s_workload[id]
	count(data.auditor.lib.k8s.unknown_container_paths(w, {"security_context"})) == 0
	some entry in data.auditor.lib.k8s.containers(w)
	value := object.get(data.auditor.lib.k8s.container_sc(entry.container), "read_only_root_filesystem", null)
	value != true
	path := concat(".", [entry.path, "security_context.read_only_root_filesystem"])
	msg := sprintf("%s %s: %s has a writable root filesystem (readOnlyRootFilesystem %v)", [w.attributes.workload_kind, w.attributes.name, entry.label, _text(value)])
}

_text(null) := "not set"

_text(v) := sprintf("%v", [v]) if v != null

unknown contains data.auditor.lib.result.unknown(w, path) if {
	some id in data.auditor.lib.k8s.ai_scope_workload_ids
	w := input.resources.k8s_workload[id]
	some path in data.auditor.lib.k8s.unknown_container_paths(w, {"security_context"})
}
