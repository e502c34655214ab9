# METADATA
# title: Containers run as non-root
# description: |
#   Every container of a Kubernetes workload in AI scope (AI workloads and every
#   workload in an AI namespace; lib/k8s.rego), init and ephemeral containers included,
#   runs as a non-root user: its effective `runAsNonRoot` is true, or its effective
#   `runAsUser` is a UID other than 0. The container's securityContext overrides the
#   pod's (Kubernetes precedence): a container `runAsNonRoot: false` beats a pod-level
#   true, and a container that sets nothing inherits the pod's values. `runAsUser: 0`
#   fails even with `runAsNonRoot: true` (the kubelet refuses to start it).
#   Unknown: a container's or the pod's securityContext is unknown.
# custom:
#   id: IMG-01
#   severity: high
#   domain: images
#   resource_kinds: [k8s_workload, k8s_namespace, k8s_inference_service]
#   frameworks:
#     nist-sp-800-53-r5: [CM-6, AC-6]
#     iso-27001-2022: [A.8.2, A.8.9]
#   remediation: >-
#     Set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` in the pod
#     template (`spec.securityContext`, or per container), and build the image with a
#     non-root `USER`.
package auditor.controls.img_01

import rego.v1

applicable contains id if some id in data.auditor.lib.k8s.ai_scope_workload_ids

_root_user(w, c) if data.auditor.lib.k8s.effective(w, c, "run_as_user") == 0

_non_root(w, c) if {
	data.auditor.lib.k8s.effective(w, c, "run_as_non_root") == true
	not _root_user(w, c)
}

_non_root(w, c) if {
	uid := data.auditor.lib.k8s.effective(w, c, "run_as_user")
	is_number(uid)
	uid != 0
}

_why(w, c) := "runAsUser is 0 (root)" if _root_user(w, c)

_why(w, c) := sprintf("runAsNonRoot is false (set on the %s) and no non-root runAsUser", [data.auditor.lib.k8s.effective_source(w, c, "run_as_non_root")]) if {
	not _root_user(w, c)
	data.auditor.lib.k8s.effective(w, c, "run_as_non_root") == false
}

_why(w, c) := "neither runAsNonRoot nor runAsUser is set: the image's user (often root) applies" if {
	not _root_user(w, c)
	not data.auditor.lib.k8s.effective(w, c, "run_as_non_root") == false
}

deny contains data.auditor.lib.result.fail(w, msg, path, value) if {
	some id in data.auditor.lib.k8s.ai_scope_workload_ids
	w := input.resources.k8s_workload[id]
	count(data.auditor.lib.k8s.unknown_container_paths(w, {"security_context"})) == 0
	some entry in data.auditor.lib.k8s.containers(w)
	not _non_root(w, entry.container)
	path := concat(".", [entry.path, "security_context.run_as_non_root"])
	value := object.get(data.auditor.lib.k8s.container_sc(entry.container), "run_as_non_root", null)
	msg := sprintf("%s %s: %s may run as root: %s", [w.attributes.workload_kind, w.attributes.name, entry.label, _why(w, entry.container)])
}

unknown contains data.auditor.lib.result.unknown(w, path) if {
	some id in data.auditor.lib.k8s.ai_scope_workload_ids
	w := input.resources.k8s_workload[id]
	some path in data.auditor.lib.k8s.unknown_container_paths(w, {"security_context"})
}
