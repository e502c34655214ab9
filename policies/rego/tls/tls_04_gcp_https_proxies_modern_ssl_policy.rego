# METADATA
# title: GCP HTTPS proxies use an SSL policy with TLS 1.2+ and a MODERN or RESTRICTED profile
# description: |
#   Every target HTTPS proxy (global or regional) must name an SSL policy whose
#   `min_tls_version` is one of `gcp_ssl_min_tls_versions` (TLS_1_2, TLS_1_3) and whose
#   `profile` is one of `gcp_ssl_profiles` (MODERN, RESTRICTED). A proxy without a
#   policy gets Google's default: TLS 1.0 and the COMPATIBLE profile.
#   Judged: every target HTTPS proxy, not only those in front of AI backends. Which
#   VMs a proxy serves is decided by instance-group membership, which neither the
#   Terraform nor the live collector reads; a proxy of the same project is one URL-map
#   change away from an AI backend, and a weak policy is cheap to fix.
#   Unknown: the proxy's `ssl_policy` is unknown; the policy is not in the snapshot
#   (another Terraform root); its `min_tls_version` or `profile` is unknown or not
#   determined.
# custom:
#   id: TLS-04
#   severity: medium
#   domain: tls
#   resource_kinds: [google_compute_target_https_proxy, google_compute_ssl_policy]
#   frameworks:
#     nist-sp-800-53-r5: [SC-8, SC-13]
#     iso-27001-2022: [A.8.24]
#   remediation: >-
#     Create an SSL policy with `profile = "MODERN"` (or "RESTRICTED") and
#     `min_tls_version = "TLS_1_2"` (Terraform `google_compute_ssl_policy`; `gcloud compute
#     ssl-policies create NAME --profile MODERN --min-tls-version 1.2`) and attach it to
#     the proxy (`google_compute_target_https_proxy.ssl_policy`; `gcloud compute
#     target-https-proxies update PROXY --ssl-policy NAME`).
package auditor.controls.tls_04

import rego.v1

_proxies := input.resources.google_compute_target_https_proxy

applicable contains id if some id, _ in _proxies

_no_policy(p) if {
	not data.auditor.lib.util.is_unknown(p, "ssl_policy")
	object.get(data.auditor.lib.util.as_object(p.attributes), "ssl_policy", null) == null
}

deny contains data.auditor.lib.result.fail(p, msg, "ssl_policy", null) if {
	some p in _proxies
	_no_policy(p)
	msg := "HTTPS proxy has no SSL policy: Google's default admits TLS 1.0 with the COMPATIBLE profile"
}

_policy(p) := input.resources.google_compute_ssl_policy[p.attributes.ssl_policy]

# The facts of the proxy's policy that are below the bar: [attribute, value, why].
_weak(pol) := {x | x := _weak_version(pol)} | {x | x := _weak_profile(pol)}

_weak_version(pol) := ["min_tls_version", v, sprintf("minimum TLS version %s", [v])] if {
	v := pol.attributes.min_tls_version
	is_string(v)
	not upper(v) in data.auditor.config.gcp_ssl_min_tls_versions
}

_weak_profile(pol) := ["profile", v, sprintf("profile %s", [v])] if {
	v := pol.attributes.profile
	is_string(v)
	not upper(v) in data.auditor.config.gcp_ssl_profiles
}

deny contains data.auditor.lib.result.fail(p, msg, sprintf("%s#%s", [pol.id, attribute]), value) if {
	some p in _proxies
	pol := _policy(p)
	some [attribute, value, why] in _weak(pol)
	msg := sprintf("HTTPS proxy uses SSL policy %s with %s (accepted: minimum %s, profile %s)", [
		pol.name,
		why,
		concat("/", data.auditor.config.gcp_ssl_min_tls_versions),
		concat("/", data.auditor.config.gcp_ssl_profiles),
	])
}

unknown contains data.auditor.lib.result.unknown(p, path) if {
	some p in _proxies
	some path in data.auditor.lib.util.unknown_paths(p, "ssl_policy")
}

unknown contains data.auditor.lib.result.unknown_because(p, "ssl_policy", why) if {
	some p in _proxies
	ref := p.attributes.ssl_policy
	is_string(ref)
	not input.resources.google_compute_ssl_policy[ref]
	why := sprintf("SSL policy %s is not in the snapshot", [ref])
}

unknown contains data.auditor.lib.result.unknown_because(p, sprintf("%s#%s", [pol.id, key]), why) if {
	some p in _proxies
	pol := _policy(p)
	some key in ["min_tls_version", "profile"]
	data.auditor.lib.util.is_unknown(pol, key)
	why := sprintf("%s of SSL policy %s is unknown: %s", [key, pol.id, concat("; ", [r | some path in data.auditor.lib.util.unknown_paths(pol, key); r := pol.unknown[path]])])
}

unknown contains data.auditor.lib.result.unknown_because(p, sprintf("%s#%s", [pol.id, key]), why) if {
	some p in _proxies
	pol := _policy(p)
	some key in ["min_tls_version", "profile"]
	not data.auditor.lib.util.is_unknown(pol, key)
	not is_string(object.get(data.auditor.lib.util.as_object(pol.attributes), key, null))
	why := sprintf("%s of SSL policy %s was not determined", [key, pol.id])
}
