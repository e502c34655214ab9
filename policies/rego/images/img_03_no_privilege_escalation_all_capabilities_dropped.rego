# METADATA
# title: No privilege escalation; all capabilities dropped
# description: |
#   Every container of a Kubernetes workload in AI scope (lib/k8s.rego), init and
#   ephemeral containers included, sets `allowPrivilegeEscalation: false` (the
#   Kubernetes default is true) and drops ALL capabilities (`capabilities.drop`
#   contains ALL, any case), adding back only what it needs; a privileged container
#   fails (it escalates by definition). Both fields exist on the container only.
#   Unknown: a container's securityContext is unknown.
# custom:
#   id: IMG-03
#   severity: high
#   domain: images
#   resource_kinds: [k8s_workload, k8s_namespace, k8s_inference_service]
#   frameworks:
#     nist-sp-800-53-r5: [AC-6, CM-7]
#     iso-27001-2022: [A.8.2, A.8.9]
#   remediation: >-
#     Set on each container `securityContext.allowPrivilegeEscalation: false`,
#     `securityContext.capabilities.drop: ["ALL"]` and `privileged: false` (or leave
#     privileged unset); add back single capabilities with `capabilities.add` only
#     where needed.
package auditor.controls.img_03

import rego.v1

applicable contains id if some id in data.auditor.lib.k8s.ai_scope_workload_ids

_checks := ["allowPrivilegeEscalation is not false", "privileged", "capabilities.drop does not contain ALL"]

_problems(sc) := {p | some p in _checks; _has(sc, p)}

_has(sc, "allowPrivilegeEscalation is not false") if object.get(sc, "allow_privilege_escalation", null) != false

_has(sc, "privileged") if sc.privileged == true

_has(sc, "capabilities.drop does not contain ALL") if not _drops_all(sc)

_drops_all(sc) if {
	some cap in data.auditor.lib.util.as_array(data.auditor.lib.util.as_object(sc.capabilities).drop)
	data.auditor.lib.util.upper_str(cap) == "ALL"
}

deny contains data.auditor.lib.result.fail(w, msg, path, sc_value) if {
	some id in data.auditor.lib.k8s.ai_scope_workload_ids
	w := input.resources.k8s_workload[id]
	count(data.auditor.lib.k8s.unknown_container_paths(w, {"security_context"})) == 0
	some entry in data.auditor.lib.k8s.containers(w)
	sc := data.auditor.lib.k8s.container_sc(entry.container)
	problems := _problems(sc)
	count(problems) > 0
	path := concat(".", [entry.path, "security_context"])
	sc_value := {"allow_privilege_escalation": object.get(sc, "allow_privilege_escalation", null), "privileged": object.get(sc, "privileged", null), "capabilities": object.get(sc, "capabilities", null)}
	msg := sprintf("%s %s: %s: %s", [w.attributes.workload_kind, w.attributes.name, entry.label, concat("; ", sort(problems))])
}

unknown contains data.auditor.lib.result.unknown(w, path) if {
	some id in data.auditor.lib.k8s.ai_scope_workload_ids
	w := input.resources.k8s_workload[id]
	some path in data.auditor.lib.k8s.unknown_container_paths(w, {"security_context"})
}
