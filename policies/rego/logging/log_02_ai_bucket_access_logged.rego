# METADATA
# title: Access to artifact and training-data buckets is logged
# description: |
#   Reads and writes of model artifacts and training data (AI data buckets,
#   lib/ai.rego) leave a record: the bucket has server access logging (logging with a
#   target_bucket), or a logging CloudTrail trail of the same account has an
#   AWS::S3::Object data-event selector covering the bucket ("arn:aws:s3" or
#   "arn:aws:s3:::" for all buckets, "arn:aws:s3:::<bucket>" or a prefix of its
#   objects). A single-region trail covers only buckets of its region.
#   Fails: neither. When no trail at all is in the snapshot, the failure rests on the
#   absence of a trail: where aws_cloudtrail was not collected in the bucket's account
#   it is error, not fail.
#   Unknown: the bucket's logging is unknown, or a trail's data selectors or logging
#   state are unknown, while nothing known logs the bucket.
# custom:
#   id: LOG-02
#   severity: medium
#   domain: logging
#   resource_kinds: [aws_s3_bucket, aws_cloudtrail, aws_sagemaker_model, aws_sagemaker_endpoint_configuration]
#   frameworks:
#     nist-sp-800-53-r5: [AU-2, AU-12]
#     iso-27001-2022: [A.8.15]
#     iso-42001-2023: [A.6.2.8]
#   remediation: >-
#     Either Terraform `aws_s3_bucket_logging { target_bucket = <log bucket>,
#     target_prefix = "<bucket>/" }` (S3 API `PutBucketLogging`), or a trail with data
#     events for the bucket: `aws_cloudtrail.event_selector { data_resource { type =
#     "AWS::S3::Object" values = ["arn:aws:s3:::<bucket>/"] } }` (or an
#     `advanced_event_selector` on `resources.type = AWS::S3::Object`; CloudTrail API
#     `PutEventSelectors`).
package auditor.controls.log_02

import rego.v1

applicable contains id if some id in data.auditor.lib.ai.data_bucket_ids

_server_logging(b) if is_string(b.attributes.logging.target_bucket)

_logging_trail(t) if not t.attributes.is_logging == false

_region_ok(t, b) if t.attributes.is_multi_region_trail == true

_region_ok(t, b) if {
	not t.attributes.is_multi_region_trail == true
	data.auditor.lib.ebs.same_place(t, b)
}

# _selected[trail id]: the bucket names whose object events the trail records ("*" for
# every bucket). Built once, then looked up per bucket: a trail may list hundreds of
# bucket ARNs, and scanning them for each bucket made the control quadratic.
_selected[id] contains name if {
	some id, t in input.resources.aws_cloudtrail
	some r in data.auditor.lib.util.as_array(object.get(t.attributes, "data_resources", null))
	r.type == "AWS::S3::Object"
	some v in data.auditor.lib.util.as_array(r.values)
	name := _selected_bucket(v)
}

_selected_bucket(value) := "*" if value in {"arn:aws:s3", "arn:aws:s3:::", "arn:aws-us-gov:s3:::", "arn:aws-cn:s3:::"}

_selected_bucket(value) := name if {
	is_string(value)
	not value in {"arn:aws:s3", "arn:aws:s3:::", "arn:aws-us-gov:s3:::", "arn:aws-cn:s3:::"}
	rest := split(value, ":::")
	count(rest) == 2
	name := split(rest[1], "/")[0]
}

_selects_bucket(names, _) if "*" in names

_selects_bucket(names, b) if b.attributes.bucket in names

_trail_covers(id, t, b) if {
	_logging_trail(t)
	_region_ok(t, b)
	_selects_bucket(_selected[id], b)
}

_logged(b) if _server_logging(b)

_logged(b) if {
	some id, t in input.resources.aws_cloudtrail
	_trail_covers(id, t, b)
}

_trails := {id | some id, _ in input.resources.aws_cloudtrail}

_trail_doubts := {sprintf("trail %s: %s", [id, p]) |
	some id, t in input.resources.aws_cloudtrail
	some field in ["data_resources", "is_logging", "is_multi_region_trail"]
	some p in data.auditor.lib.util.unknown_paths(t, field)
}

_bucket_doubts(b) := data.auditor.lib.util.unknown_paths(b, "logging")

_doubtful(b) if count(_trail_doubts) > 0

_doubtful(b) if count(_bucket_doubts(b)) > 0

_name(b) := sprintf("bucket %s %s", [data.auditor.lib.ai.bucket_label(b), data.auditor.lib.ai.data_bucket_role(b)])

deny contains data.auditor.lib.result.fail_absent(b, msg, "logging", null, ["aws_cloudtrail"]) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := input.resources.aws_s3_bucket[id]
	not _logged(b)
	not _doubtful(b)
	count(_trails) == 0
	msg := sprintf("%s and its access is not logged: no server access logging and no CloudTrail trail", [_name(b)])
}

deny contains data.auditor.lib.result.fail(b, msg, "logging", null) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := input.resources.aws_s3_bucket[id]
	not _logged(b)
	not _doubtful(b)
	count(_trails) > 0
	msg := sprintf("%s and its access is not logged: no server access logging and no trail (%s) records S3 data events for it", [_name(b), data.auditor.lib.util.describe(_trails)])
}

unknown contains data.auditor.lib.result.unknown_because(b, "logging", why) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := input.resources.aws_s3_bucket[id]
	not _logged(b)
	_doubtful(b)
	doubts := {sprintf("%s (%s)", [p, object.get(b.unknown, p, "")]) | some p in _bucket_doubts(b)} | _trail_doubts
	why := sprintf("whether access to the bucket is logged is unknown: %s", [concat("; ", sort(doubts))])
}
