# METADATA
# title: Images come only from allowed registries
# description: |
#   Every container image of a Kubernetes workload in AI scope (lib/k8s.rego), init
#   and ephemeral containers included, comes from a registry of `allowed_registries`
#   (a host, or a host/path prefix matched on whole path segments; bare names are
#   docker.io/library/..., as Docker reads them; lib/image.rego). An empty list allows
#   any registry (the control then passes everything it judges).
#   Unknown: a container's image is unknown.
# custom:
#   id: IMG-05
#   severity: high
#   domain: images
#   resource_kinds: [k8s_workload, k8s_namespace, k8s_inference_service]
#   frameworks:
#     nist-sp-800-53-r5: [SR-3, CM-7]
#     iso-27001-2022: [A.8.19]
#     owasp-llm-2025: [LLM03:2025]
#     mitre-atlas: [AML.M0014]
#   remediation: >-
#     Mirror the image into an allowed registry and reference it there (`image:` of the
#     container), or add its registry to `controls.allowed_registries` after review;
#     enforce it at admission (Kyverno/Gatekeeper allowed-repos policy).
package auditor.controls.img_05

import rego.v1

applicable contains id if some id in data.auditor.lib.k8s.ai_scope_workload_ids

_allowed := data.auditor.lib.util.as_array(data.auditor.config.allowed_registries)

deny contains data.auditor.lib.result.fail(w, msg, path, image) if {
	count(_allowed) > 0
	some id in data.auditor.lib.k8s.ai_scope_workload_ids
	w := input.resources.k8s_workload[id]
	some entry in data.auditor.lib.k8s.containers(w)
	path := concat(".", [entry.path, "image"])
	not data.auditor.lib.util.is_unknown(w, path)
	image := entry.container.image
	is_string(image)
	not data.auditor.lib.image.from_allowed_registry(image, _allowed)
	msg := sprintf("%s %s: %s image %s comes from %s, not an allowed registry", [w.attributes.workload_kind, w.attributes.name, entry.label, image, data.auditor.lib.image.registry(image)])
}

unknown contains data.auditor.lib.result.unknown(w, path) if {
	count(_allowed) > 0
	some id in data.auditor.lib.k8s.ai_scope_workload_ids
	w := input.resources.k8s_workload[id]
	some path in data.auditor.lib.k8s.unknown_container_paths(w, {"image"})
}
