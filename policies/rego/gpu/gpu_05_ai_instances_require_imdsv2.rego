# METADATA
# title: AI instances require IMDSv2
# description: |
#   GPU/accelerator EC2 instances must not serve instance-metadata credentials to
#   IMDSv1 requests (one SSRF in a model server or notebook then hands out the
#   instance role): metadata_options.http_tokens is "required", or the metadata
#   endpoint is disabled (http_endpoint "disabled").
#   http_tokens not set (no metadata_options, or null) fails: EC2 then defaults to
#   "optional" unless the AMI is flagged ImdsSupport v2.0 or the account's
#   instance-metadata defaults say otherwise, neither of which is in the snapshot.
#   Judged: the AI instances (lib/ai.rego), and instances whose AI classification is
#   unknown (an IMDSv1-capable one of those is reported as unknown).
#   Unknown: metadata_options (or http_tokens) is unknown and the endpoint is not
#   known to be disabled.
# custom:
#   id: GPU-05
#   severity: high
#   domain: gpu
#   resource_kinds: [aws_instance]
#   frameworks:
#     nist-sp-800-53-r5: [AC-3, CM-6, SC-7]
#     iso-27001-2022: [A.8.9]
#   remediation: >-
#     Require session tokens for the instance metadata service: Terraform
#     `aws_instance.metadata_options { http_tokens = "required" }` (or in the launch
#     template), EC2 API `ModifyInstanceMetadataOptions --http-tokens required`; set
#     the account default with `aws ec2 modify-instance-metadata-defaults
#     --http-tokens required`.
package auditor.controls.gpu_05

import rego.v1

_judged := data.auditor.lib.ai.aws_instance_ids | data.auditor.lib.ai.unresolved_aws_instance_ids

applicable contains id if some id in _judged

_endpoint_disabled(r) if data.auditor.lib.util.lower_str(r.attributes.metadata_options.http_endpoint) == "disabled"

_tokens_required(r) if data.auditor.lib.util.lower_str(r.attributes.metadata_options.http_tokens) == "required"

_tokens_unknown(r) if data.auditor.lib.util.is_unknown(r, "metadata_options.http_tokens")

# _imdsv1(r): [evidence value, text] when the instance answers IMDSv1 requests.
_imdsv1(r) := [tokens, sprintf("metadata_options.http_tokens is \"%s\": IMDSv1 is allowed", [tokens])] if {
	not _endpoint_disabled(r)
	not _tokens_unknown(r)
	tokens := r.attributes.metadata_options.http_tokens
	is_string(tokens)
	lower(tokens) != "required"
}

_imdsv1(r) := [null, "metadata_options.http_tokens is not set: EC2 defaults to \"optional\" (IMDSv1 allowed)"] if {
	not _endpoint_disabled(r)
	not _tokens_unknown(r)
	not is_string(r.attributes.metadata_options.http_tokens)
}

deny contains data.auditor.lib.result.fail(r, msg, "metadata_options.http_tokens", value) if {
	some id in data.auditor.lib.ai.aws_instance_ids
	r := input.resources.aws_instance[id]
	[value, text] := _imdsv1(r)
	msg := sprintf("AI instance (%v): %s", [object.get(r.attributes, "instance_type", null), text])
}

unknown contains data.auditor.lib.result.unknown(r, path) if {
	some id in _judged
	r := input.resources.aws_instance[id]
	not _endpoint_disabled(r)
	not _tokens_required(r)
	some path in data.auditor.lib.util.unknown_paths(r, "metadata_options.http_tokens")
}

unknown contains data.auditor.lib.result.unknown_because(r, "metadata_options.http_tokens", why) if {
	some id in data.auditor.lib.ai.unresolved_aws_instance_ids
	r := input.resources.aws_instance[id]
	[_, text] := _imdsv1(r)
	why := sprintf("%s; %s", [text, data.auditor.lib.ai.unresolved_reason(id)])
}
