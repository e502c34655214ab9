# METADATA
# title: Inference and data-capture logs have a retention limit
# description: |
#   Logs of model inputs and outputs are kept no longer than needed: they hold user
#   prompts, personal data and model answers.
#   - CloudWatch log groups whose name starts with one of
#     `inference_log_group_prefixes` (default /aws/sagemaker/), or that carry an AI tag,
#     fail when retention_in_days is not set (never expire) or exceeds
#     `log_retention_max_days` (default 365).
#   - Buckets receiving SageMaker data capture (an endpoint configuration's
#     data_capture.destination_s3_uri, capture not disabled) fail unless an enabled
#     lifecycle rule expires objects after at most `log_retention_max_days` days and
#     covers the capture prefix (a rule without prefix covers the whole bucket).
#   Unknown: retention_in_days or the lifecycle rules are unknown.
# custom:
#   id: LOG-01
#   severity: low
#   domain: logging
#   resource_kinds: [aws_cloudwatch_log_group, aws_s3_bucket, aws_sagemaker_endpoint_configuration]
#   frameworks:
#     nist-sp-800-53-r5: [SI-12, AU-11]
#     iso-27001-2022: [A.8.10]
#   remediation: >-
#     Set a retention: Terraform `aws_cloudwatch_log_group.retention_in_days = 90` (or
#     any value up to the configured maximum; CloudWatch Logs API
#     `PutRetentionPolicy`); for data-capture buckets an
#     `aws_s3_bucket_lifecycle_configuration` rule `{ status = "Enabled" filter { prefix
#     = "<capture prefix>" } expiration { days = 90 } }` (S3 API
#     `PutBucketLifecycleConfiguration`).
package auditor.controls.log_01

import rego.v1

_max := data.auditor.config.log_retention_max_days

# --- log groups ---------------------------------------------------------------------------------

_inference_group(g) if {
	name := g.attributes.log_group_name
	is_string(name)
	some prefix in data.auditor.config.inference_log_group_prefixes
	startswith(name, prefix)
}

_inference_group(g) if {
	g.tags != {}
	data.auditor.lib.ai.has_ai_tag(g)
}

_groups contains id if {
	some id, g in input.resources.aws_cloudwatch_log_group
	_inference_group(g)
}

applicable contains id if some id in _groups

_group_name(g) := object.get(g.attributes, "log_group_name", g.name)

deny contains data.auditor.lib.result.fail(g, msg, "retention_in_days", days) if {
	some id in _groups
	g := input.resources.aws_cloudwatch_log_group[id]
	not data.auditor.lib.util.is_unknown(g, "retention_in_days")
	days := object.get(g.attributes, "retention_in_days", null)
	not _within(days)
	msg := sprintf("log group %v holds inference logs and %s", [_group_name(g), _retention_text(days)])
}

_within(days) if {
	is_number(days)
	days > 0
	days <= _max
}

_retention_text(days) := "never expires (no retention_in_days)" if not is_number(days)

_retention_text(days) := sprintf("keeps them %v days, more than the %v allowed (log_retention_max_days)", [days, _max]) if is_number(days)

unknown contains data.auditor.lib.result.unknown(g, path) if {
	some id in _groups
	g := input.resources.aws_cloudwatch_log_group[id]
	some path in data.auditor.lib.util.unknown_paths(g, "retention_in_days")
}

# --- data-capture buckets ---------------------------------------------------------------------

# _capture[bucket name] contains the key prefix captured data is written under.
_capture[name] contains prefix if {
	some c in input.resources.aws_sagemaker_endpoint_configuration
	dc := data.auditor.lib.util.as_object(object.get(c.attributes, "data_capture", null))
	not dc.enabled == false
	uri := dc.destination_s3_uri
	name := data.auditor.lib.ai.s3_bucket_name(uri)
	prefix := _key_prefix(uri, name)
}

_key_prefix(uri, name) := trim_prefix(substring(uri, indexof(uri, name) + count(name), -1), "/")

_buckets contains id if {
	some id, b in input.resources.aws_s3_bucket
	_capture[b.attributes.bucket]
}

applicable contains id if some id in _buckets

_expires(rule, prefix) if {
	not rule.enabled == false
	_within(rule.expiration_days)
	_rule_covers(object.get(rule, "prefix", null), prefix)
}

_rule_covers(p, _) if p == null

_rule_covers(p, _) if p == ""

# SageMaker writes captured objects under "<prefix>/<endpoint>/...", so a rule prefix
# covers the capture when it is a prefix of "<prefix>/": "capture/" and "capture" both
# cover "s3://bucket/capture".
_rule_covers(p, prefix) if {
	is_string(p)
	startswith(_object_prefix(prefix), p)
}

_object_prefix(prefix) := "" if prefix == ""

_object_prefix(prefix) := concat("", [trim_suffix(prefix, "/"), "/"]) if prefix != ""

_uncovered(b) := {prefix |
	some prefix in _capture[b.attributes.bucket]
	not _some_rule_expires(b, prefix)
}

_some_rule_expires(b, prefix) if {
	some rule in data.auditor.lib.util.as_array(object.get(b.attributes, "lifecycle_rules", null))
	_expires(rule, prefix)
}

deny contains data.auditor.lib.result.fail(b, msg, "lifecycle_rules", object.get(b.attributes, "lifecycle_rules", null)) if {
	some id in _buckets
	b := input.resources.aws_s3_bucket[id]
	not data.auditor.lib.util.is_unknown(b, "lifecycle_rules")
	uncovered := _uncovered(b)
	count(uncovered) > 0
	msg := sprintf("bucket %s receives SageMaker data capture (prefix %s) and no enabled lifecycle rule expires it within %v days", [data.auditor.lib.ai.bucket_label(b), concat(", ", sort([sprintf("\"%s\"", [p]) | some p in uncovered])), _max])
}

unknown contains data.auditor.lib.result.unknown(b, path) if {
	some id in _buckets
	b := input.resources.aws_s3_bucket[id]
	count(_uncovered(b)) > 0
	some path in data.auditor.lib.util.unknown_paths(b, "lifecycle_rules")
}
