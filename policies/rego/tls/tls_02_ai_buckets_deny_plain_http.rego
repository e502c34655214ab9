# METADATA
# title: Model artifact and training-data buckets deny non-TLS requests
# description: |
#   Buckets holding model artifacts or training data (lib/ai.rego) have a bucket policy
#   statement that denies every request made without TLS: Effect Deny, Principal "*",
#   Action "s3:*" (or "*"), Resource covering the objects ("arn:aws:s3:::bucket/*" or
#   "*"), Condition {"Bool": {"aws:SecureTransport": "false"}} (BoolIfExists accepted).
#   S3 answers plain HTTP otherwise, so a misconfigured client or proxy moves model
#   weights and training data in clear text.
#   Fails: no bucket policy, or no such statement (a Deny restricted to some actions,
#   such as s3:PutObject only, does not count).
#   Unknown: the policy is unknown (e.g. GetBucketPolicy denied, or a plan value known
#   after apply).
# custom:
#   id: TLS-02
#   severity: medium
#   domain: tls
#   resource_kinds: [aws_s3_bucket, aws_sagemaker_model, aws_sagemaker_endpoint_configuration]
#   frameworks:
#     nist-sp-800-53-r5: [SC-8, SC-8(1)]
#     iso-27001-2022: [A.8.24]
#     mitre-atlas: [AML.M0012]
#   remediation: >-
#     Add to the bucket policy (Terraform `aws_s3_bucket_policy.policy`, S3 API
#     `PutBucketPolicy`) the statement `{"Sid": "DenyInsecureTransport", "Effect":
#     "Deny", "Principal": "*", "Action": "s3:*", "Resource":
#     ["arn:aws:s3:::<bucket>", "arn:aws:s3:::<bucket>/*"], "Condition": {"Bool":
#     {"aws:SecureTransport": "false"}}}`; to require TLS 1.2 as well, add a Deny with
#     `"NumericLessThan": {"s3:TlsVersion": "1.2"}`.
package auditor.controls.tls_02

import rego.v1

applicable contains id if some id in data.auditor.lib.ai.data_bucket_ids

_name(b) := sprintf("bucket %s %s", [data.auditor.lib.ai.bucket_label(b), data.auditor.lib.ai.data_bucket_role(b)])

_policy(b) := object.get(b.attributes, "policy", null)

deny contains data.auditor.lib.result.fail(b, msg, "policy", null) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := input.resources.aws_s3_bucket[id]
	not data.auditor.lib.util.is_unknown(b, "policy")
	not is_object(_policy(b))
	msg := sprintf("%s and has no bucket policy: S3 accepts plain HTTP requests", [_name(b)])
}

deny contains data.auditor.lib.result.fail(b, msg, "policy.Statement", "no Deny on aws:SecureTransport = false") if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := input.resources.aws_s3_bucket[id]
	not data.auditor.lib.util.is_unknown(b, "policy")
	is_object(_policy(b))
	count(data.auditor.lib.s3.secure_transport_statements(_policy(b))) == 0
	msg := sprintf("%s and its policy does not deny requests without TLS (no Deny of s3:* to * on aws:SecureTransport = false)", [_name(b)])
}

unknown contains data.auditor.lib.result.unknown(b, path) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := input.resources.aws_s3_bucket[id]
	some path in data.auditor.lib.util.unknown_paths(b, "policy")
}
