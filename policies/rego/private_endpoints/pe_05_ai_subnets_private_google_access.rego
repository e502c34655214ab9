# METADATA
# title: Subnets with AI instances use Private Google Access
# description: |
#   A GCP subnetwork that hosts an AI VM (lib/ai.rego) must have Private Google Access
#   on, so that VMs without external IPs reach Google APIs (Cloud Storage model
#   artifacts, Artifact Registry images, Vertex AI) over Google's network instead of
#   needing a public IP or a NAT path to the internet.
#   Judged: the subnetworks named by the interfaces of AI instances (and of instances
#   whose AI classification is unknown), and the AI instances whose subnetwork cannot be
#   judged.
#   Unknown: `private_ip_google_access` is unknown or not determined; the subnetwork is
#   not in the snapshot (a Shared VPC host project's subnet, or one outside the
#   Terraform root) or the interface names none (an auto-mode network's subnet is
#   implicit); Private Google Access off on a subnet whose only instances have an
#   unknown AI classification.
# custom:
#   id: PE-05
#   severity: low
#   domain: private_endpoints
#   resource_kinds: [google_compute_subnetwork, google_compute_instance]
#   frameworks:
#     nist-sp-800-53-r5: [SC-7]
#     iso-27001-2022: [A.8.20, A.8.22]
#   remediation: >-
#     Turn on Private Google Access on the subnetworks of AI VMs: Terraform
#     `google_compute_subnetwork.private_ip_google_access = true`, or `gcloud compute
#     networks subnets update SUBNET --region REGION --enable-private-ip-google-access`.
package auditor.controls.pe_05

import rego.v1

_candidates := data.auditor.lib.ai.gcp_instance_ids | data.auditor.lib.ai.unresolved_gcp_instance_ids

_instance(id) := input.resources.google_compute_instance[id]

# [instance id, interface index, subnetwork reference] of the judged instances.
_uses contains [id, i, sub] if {
	some id in _candidates
	some i, ni in data.auditor.lib.util.as_array(_instance(id).attributes.network_interfaces)
	is_object(ni)
	sub := object.get(ni, "subnetwork", null)
}

_ai_subnets[sub] contains id if {
	some [id, _, sub] in _uses
	id in data.auditor.lib.ai.gcp_instance_ids
	is_string(sub)
}

_unresolved_subnets[sub] contains id if {
	some [id, _, sub] in _uses
	id in data.auditor.lib.ai.unresolved_gcp_instance_ids
	is_string(sub)
}

_subnet(sub) := input.resources.google_compute_subnetwork[sub]

applicable contains sub if {
	some [_, _, sub] in _uses
	_subnet(sub)
}

deny contains data.auditor.lib.result.fail(s, msg, "private_ip_google_access", false) if {
	some sub, ids in _ai_subnets
	s := _subnet(sub)
	s.attributes.private_ip_google_access == false
	msg := sprintf("Private Google Access is off on the subnetwork of AI instance %s", [data.auditor.lib.util.describe(ids)])
}

unknown contains data.auditor.lib.result.unknown(s, path) if {
	some [_, _, sub] in _uses
	s := _subnet(sub)
	some path in data.auditor.lib.util.unknown_paths(s, "private_ip_google_access")
}

unknown contains data.auditor.lib.result.unknown_because(s, "private_ip_google_access", "Private Google Access was not determined") if {
	some [_, _, sub] in _uses
	s := _subnet(sub)
	not data.auditor.lib.util.is_unknown(s, "private_ip_google_access")
	not is_boolean(s.attributes.private_ip_google_access)
}

unknown contains data.auditor.lib.result.unknown_because(s, "private_ip_google_access", why) if {
	some sub, ids in _unresolved_subnets
	not _ai_subnets[sub]
	s := _subnet(sub)
	s.attributes.private_ip_google_access == false
	why := sprintf("Private Google Access is off; %s", [concat("; ", [data.auditor.lib.ai.unresolved_reason(id) | some id in ids])])
}

# --- instances whose subnetwork cannot be judged --------------------------------------


_missing contains [id, i, why] if {
	some [id, i, sub] in _uses
	is_string(sub)
	not _subnet(sub)
	why := sprintf("subnetwork %s is not in the snapshot (a Shared VPC host project's, or outside the Terraform root): cannot tell whether Private Google Access is on", [sub])
}

_missing contains [id, i, why] if {
	some [id, i, sub] in _uses
	not is_string(sub)
	r := _instance(id)
	not data.auditor.lib.util.is_unknown(r, data.auditor.lib.util.path(["network_interfaces", i, "subnetwork"]))
	why := "the interface names no subnetwork (the network's subnet in the zone's region applies and is not judged)"
}

applicable contains id if some [id, _, _] in _missing

applicable contains id if {
	some id in _candidates
	data.auditor.lib.util.is_unknown(_instance(id), "network_interfaces")
}

unknown contains data.auditor.lib.result.unknown_because(r, data.auditor.lib.util.path(["network_interfaces", i, "subnetwork"]), why) if {
	some [id, i, why] in _missing
	r := _instance(id)
}

unknown contains data.auditor.lib.result.unknown(r, path) if {
	some id in _candidates
	r := _instance(id)
	some path in data.auditor.lib.util.unknown_paths(r, "network_interfaces")
	_deciding(split(path, "."))
}

_deciding(parts) if count(parts) <= 2

_deciding(parts) if parts[2] == "subnetwork"
