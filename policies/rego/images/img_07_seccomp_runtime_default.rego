# METADATA
# title: Containers use the RuntimeDefault (or Localhost) seccomp profile
# description: |
#   Every container of a Kubernetes workload in AI scope (lib/k8s.rego), init and
#   ephemeral containers included, runs under the RuntimeDefault or a Localhost seccomp
#   profile: the container's `seccompProfile.type`, or the pod's when the container
#   sets none (Kubernetes precedence). Not set anywhere means Unconfined on clusters
#   without the kubelet's SeccompDefault, and fails; Unconfined fails.
#   Unknown: a container's or the pod's securityContext is unknown.
# custom:
#   id: IMG-07
#   severity: medium
#   domain: images
#   resource_kinds: [k8s_workload, k8s_namespace, k8s_inference_service]
#   frameworks:
#     nist-sp-800-53-r5: [CM-6, CM-7]
#     iso-27001-2022: [A.8.9]
#   remediation: >-
#     Set `spec.securityContext.seccompProfile.type: RuntimeDefault` in the pod template
#     (or per container), or `Localhost` with `localhostProfile` for a tailored profile.
package auditor.controls.img_07

import rego.v1

applicable contains id if some id in data.auditor.lib.k8s.ai_scope_workload_ids

_confined(w, c) if {
	profile := data.auditor.lib.k8s.effective(w, c, "seccomp_profile")
	is_object(profile)
	profile.type in {"RuntimeDefault", "Localhost"}
}

_type(w, c) := t if {
	profile := data.auditor.lib.k8s.effective(w, c, "seccomp_profile")
	t := object.get(data.auditor.lib.util.as_object(profile), "type", null)
} else := null

deny contains data.auditor.lib.result.fail(w, msg, path, value) if {
	some id in data.auditor.lib.k8s.ai_scope_workload_ids
	w := input.resources.k8s_workload[id]
	count(data.auditor.lib.k8s.unknown_container_paths(w, {"security_context"})) == 0
	some entry in data.auditor.lib.k8s.containers(w)
	not _confined(w, entry.container)
	value := _type(w, entry.container)
	path := concat(".", [entry.path, "security_context.seccomp_profile.type"])
	msg := sprintf("%s %s: %s has no RuntimeDefault/Localhost seccomp profile (%s)", [w.attributes.workload_kind, w.attributes.name, entry.label, _text(value)])
}

_text(null) := "not set on the container nor the pod"

_text(v) := sprintf("type %v", [v]) if v != null

unknown contains data.auditor.lib.result.unknown(w, path) if {
	some id in data.auditor.lib.k8s.ai_scope_workload_ids
	w := input.resources.k8s_workload[id]
	some path in data.auditor.lib.k8s.unknown_container_paths(w, {"security_context"})
}
