# METADATA
# title: AI instances do not run as the default service account with the cloud-platform scope
# description: |
#   A GCP AI VM (lib/ai.rego) must not run as the Compute Engine default service
#   account (`<project number>-compute@developer.gserviceaccount.com`, which holds the
#   project Editor role unless that grant was removed) with the `cloud-platform` scope:
#   together they let any code on the GPU host, a compromised notebook or model server
#   included, call every API the project allows. A dedicated service account, or the
#   default one with narrow scopes, passes.
#   A service account entry without an email (Terraform `service_account {}` without
#   `email`) or with the email `default` is the default service account.
#   Judged: AI instances, and instances whose AI classification is unknown (a would-be
#   failure on those is reported as unknown).
#   Unknown: the service accounts, or the email or scopes of an entry, are unknown.
# custom:
#   id: GPU-06
#   severity: high
#   domain: gpu
#   resource_kinds: [google_compute_instance]
#   frameworks:
#     nist-sp-800-53-r5: [AC-6]
#     iso-27001-2022: [A.8.2, A.5.15]
#   remediation: >-
#     Run AI VMs as a dedicated service account holding only the roles the workload
#     needs (Terraform `service_account { email = google_service_account.trainer.email,
#     scopes = ["cloud-platform"] }`, with IAM deciding access), or keep the default
#     account with narrow scopes; `gcloud compute instances set-service-account VM
#     --service-account SA --scopes cloud-platform` (the VM must be stopped).
package auditor.controls.gpu_06

import rego.v1

_candidates := data.auditor.lib.ai.gcp_instance_ids | data.auditor.lib.ai.unresolved_gcp_instance_ids

applicable contains id if some id in _candidates

_default_suffix := "-compute@developer.gserviceaccount.com"

_default_sa(sa) if {
	is_string(sa.email)
	endswith(lower(sa.email), _default_suffix)
}

_default_sa(sa) if {
	is_string(sa.email)
	lower(sa.email) == "default"
}

_default_sa(sa) if object.get(sa, "email", null) == null

_full_scope(sa) if {
	some scope in data.auditor.lib.util.as_array(sa.scopes)
	data.auditor.lib.util.last_segment(scope) == "cloud-platform"
}

# [path, entry] of the service-account entries that are the default one with full scope.
_findings(r) := {[path, sa] |
	some i, sa in data.auditor.lib.util.as_array(r.attributes.service_accounts)
	is_object(sa)
	path := data.auditor.lib.util.path(["service_accounts", i])
	not data.auditor.lib.util.is_unknown(r, path)
	_default_sa(sa)
	_full_scope(sa)
}

_named(sa) := sprintf(" %s", [sa.email]) if is_string(sa.email)

_named(sa) := " (no email given)" if not is_string(object.get(sa, "email", null))

deny contains data.auditor.lib.result.fail(r, msg, path, sa) if {
	some id in data.auditor.lib.ai.gcp_instance_ids
	r := input.resources.google_compute_instance[id]
	some [path, sa] in _findings(r)
	msg := sprintf("AI instance (%v) runs as the default compute service account%s with the cloud-platform scope", [
		object.get(r.attributes, "machine_type", null),
		_named(sa),
	])
}

unknown contains data.auditor.lib.result.unknown(r, path) if {
	some id in _candidates
	r := input.resources.google_compute_instance[id]
	some path in data.auditor.lib.util.unknown_paths(r, "service_accounts")
}

unknown contains data.auditor.lib.result.unknown_because(r, path, why) if {
	some id in data.auditor.lib.ai.unresolved_gcp_instance_ids
	r := input.resources.google_compute_instance[id]
	some [path, _] in _findings(r)
	why := sprintf("default service account with the cloud-platform scope; %s", [data.auditor.lib.ai.unresolved_reason(id)])
}
