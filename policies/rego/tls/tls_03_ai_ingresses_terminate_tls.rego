# METADATA
# title: Ingresses routing to AI services terminate TLS
# description: |
#   An Ingress with a rule (or default backend) that routes to an AI service (a
#   Service selecting AI pods, or carrying an `ai_tag_keys` label; lib/k8s.rego)
#   covers that rule's host with a `spec.tls` entry: the host is listed, or matches a
#   wildcard entry (`*.example.com` covers one label). A rule without host, and the
#   default backend, are covered only by a tls entry without hosts (the controller's
#   default certificate).
#   Unknown: the Ingress's tls entries are unknown.
# custom:
#   id: TLS-03
#   severity: high
#   domain: tls
#   resource_kinds: [k8s_ingress, k8s_service, k8s_workload]
#   frameworks:
#     nist-sp-800-53-r5: [SC-8, SC-13]
#     iso-27001-2022: [A.8.24]
#   remediation: >-
#     Add `spec.tls: [{hosts: [<host>], secretName: <certificate secret>}]` covering
#     every host of the Ingress that routes to the model service (cert-manager's
#     `cert-manager.io/cluster-issuer` annotation can issue the certificate).
package auditor.controls.tls_03

import rego.v1

_ai_backend(ing, b) if {
	is_object(b)
	b.service in data.auditor.lib.k8s.ai_service_names[data.auditor.lib.k8s.namespace_of(ing)]
}

# _routes[ingress id]: the hosts ("" for none) whose rules route to an AI service.
_ai_hosts(ing) := {_host(rule.host) |
	some rule in data.auditor.lib.util.as_array(ing.attributes.rules)
	some path in data.auditor.lib.util.as_array(rule.paths)
	_ai_backend(ing, path.backend)
} | {"" | _ai_backend(ing, ing.attributes.default_backend)}

_host(h) := h if is_string(h)

_host(h) := "" if not is_string(h)

_ai_ingress_ids contains id if {
	some id, ing in input.resources.k8s_ingress
	count(_ai_hosts(ing)) > 0
}

applicable contains id if some id in _ai_ingress_ids

_covered(ing, "") if {
	some t in data.auditor.lib.util.as_array(ing.attributes.tls)
	count(data.auditor.lib.util.as_array(t.hosts)) == 0
}

_covered(ing, host) if {
	host != ""
	some t in data.auditor.lib.util.as_array(ing.attributes.tls)
	some pattern in data.auditor.lib.util.as_array(t.hosts)
	_matches(lower(pattern), lower(host))
}

_matches(pattern, host) if pattern == host

_matches(pattern, host) if {
	startswith(pattern, "*.")
	suffix := substring(pattern, 1, -1)
	endswith(host, suffix)
	not contains(trim_suffix(host, suffix), ".")
	trim_suffix(host, suffix) != ""
}

deny contains data.auditor.lib.result.fail(ing, msg, "tls", data.auditor.lib.util.as_array(ing.attributes.tls)) if {
	some id in _ai_ingress_ids
	ing := input.resources.k8s_ingress[id]
	not data.auditor.lib.util.is_unknown(ing, "tls")
	uncovered := {h | some h in _ai_hosts(ing); not _covered(ing, h)}
	count(uncovered) > 0
	names := sort([_name(h) | some h in uncovered])
	msg := sprintf("Ingress %s routes to AI services without TLS for %s", [ing.attributes.name, concat(", ", names)])
}

_name("") := "requests without a host (default backend or host-less rule)"

_name(h) := h if h != ""

unknown contains data.auditor.lib.result.unknown(ing, path) if {
	some id in _ai_ingress_ids
	ing := input.resources.k8s_ingress[id]
	some path in data.auditor.lib.util.unknown_paths(ing, "tls")
}
