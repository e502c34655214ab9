# METADATA
# title: Mesh traffic in AI namespaces is mutual TLS (STRICT)
# description: |
#   An AI namespace (lib/k8s.rego) enrolled in an Istio mesh (label
#   `istio-injection: enabled`, an `istio.io/rev` label, or `istio.io/dataplane-mode:
#   ambient`) runs STRICT mutual TLS: its effective PeerAuthentication mode (the
#   namespace-wide policy's, else the mesh-wide one in `istio_root_namespace`, else
#   Istio's default PERMISSIVE) is STRICT, and no PeerAuthentication of the namespace
#   relaxes it for some workloads or ports (PERMISSIVE or DISABLE). Namespaces outside
#   the mesh are not judged (no mesh installed there).
#   Unknown: the namespace's labels are unknown (a namespace that manifests use without
#   declaring) while PeerAuthentications exist in the scope, so a mesh is in use; or a
#   deciding PeerAuthentication's mode is unknown.
# custom:
#   id: TLS-05
#   severity: medium
#   domain: tls
#   resource_kinds: [k8s_namespace, k8s_peer_authentication, k8s_workload, k8s_inference_service]
#   frameworks:
#     nist-sp-800-53-r5: [SC-8, IA-3]
#     iso-27001-2022: [A.8.24]
#   remediation: >-
#     Apply `apiVersion: security.istio.io/v1 kind: PeerAuthentication {metadata: {name:
#     default, namespace: <ns>}, spec: {mtls: {mode: STRICT}}}` (or mesh-wide in
#     istio-system) and remove PERMISSIVE/DISABLE `portLevelMtls` and workload
#     overrides.
package auditor.controls.tls_05

import rego.v1

_root := data.auditor.config.istio_root_namespace

_enrolled(n) if data.auditor.lib.util.as_object(n.attributes.labels)["istio-injection"] == "enabled"

_enrolled(n) if data.auditor.lib.util.as_object(n.attributes.labels)["istio.io/rev"]

_enrolled(n) if data.auditor.lib.util.as_object(n.attributes.labels)["istio.io/dataplane-mode"] == "ambient"

_ai_namespace(ns) := n if {
	ns in data.auditor.lib.k8s.ai_namespaces
	n := input.resources.k8s_namespace[data.auditor.lib.k8s.namespace_id(ns)]
}

_mesh_in_use if count(input.resources.k8s_peer_authentication) > 0

_labels_unknown(n) if data.auditor.lib.util.is_unknown(n, "labels")

_judged contains ns if {
	some ns in data.auditor.lib.k8s.ai_namespaces
	_enrolled(_ai_namespace(ns))
}

applicable contains n.id if {
	some ns in _judged
	n := _ai_namespace(ns)
}

applicable contains n.id if {
	some ns in data.auditor.lib.k8s.ai_namespaces
	n := _ai_namespace(ns)
	_labels_unknown(n)
	_mesh_in_use
}

_wide(ns) := [pa | some pa in input.resources.k8s_peer_authentication; pa.attributes.namespace == ns; count(data.auditor.lib.util.as_object(pa.attributes.selector)) == 0]

_set(mode) if {
	is_string(mode)
	upper(mode) != "UNSET"
}

_mode_of(pas) := [upper(pa.attributes.mtls_mode) | some pa in pas; _set(pa.attributes.mtls_mode)]

# effective(ns): [mode, where it comes from]
effective(ns) := [modes[0], sprintf("PeerAuthentication %s/%s", [ns, _wide(ns)[0].attributes.name])] if {
	modes := _mode_of(_wide(ns))
	count(modes) > 0
} else := [modes[0], sprintf("mesh-wide PeerAuthentication in %s", [_root])] if {
	modes := _mode_of(_wide(_root))
	count(modes) > 0
} else := ["PERMISSIVE", "no PeerAuthentication: Istio's default"]

_relaxing(ns) := {sprintf("%s (%s)", [pa.attributes.name, m]) |
	some pa in input.resources.k8s_peer_authentication
	pa.attributes.namespace == ns
	some m in array.concat(_mode_of([pa]), [upper(v) | some v in data.auditor.lib.util.as_object(pa.attributes.port_level_mtls); is_string(v)])
	m in {"PERMISSIVE", "DISABLE"}
}

_unknown_pas(ns) := [pa |
	some pa in input.resources.k8s_peer_authentication
	pa.attributes.namespace in {ns, _root}
	data.auditor.lib.util.is_unknown(pa, "mtls_mode")
]

deny contains data.auditor.lib.result.fail(n, msg, "peer_authentication.mtls_mode", mode) if {
	some ns in _judged
	n := _ai_namespace(ns)
	count(_unknown_pas(ns)) == 0
	[mode, source] := effective(ns)
	mode != "STRICT"
	msg := sprintf("AI namespace %s is in the mesh without STRICT mTLS: mode %s (%s)", [ns, mode, source])
}

deny contains data.auditor.lib.result.fail(n, msg, "peer_authentication.overrides", sort(relaxing)) if {
	some ns in _judged
	n := _ai_namespace(ns)
	relaxing := _relaxing(ns)
	count(relaxing) > 0
	msg := sprintf("AI namespace %s relaxes mTLS for some workloads or ports: %s", [ns, concat(", ", sort(relaxing))])
}

unknown contains data.auditor.lib.result.unknown(n, "labels") if {
	some ns in data.auditor.lib.k8s.ai_namespaces
	n := _ai_namespace(ns)
	_labels_unknown(n)
	_mesh_in_use
}

unknown contains data.auditor.lib.result.unknown_because(n, "peer_authentication.mtls_mode", why) if {
	some ns in _judged
	n := _ai_namespace(ns)
	pa := _unknown_pas(ns)[0]
	why := sprintf("PeerAuthentication %s: %s", [pa.name, data.auditor.lib.result.reason(pa, "mtls_mode")])
}
