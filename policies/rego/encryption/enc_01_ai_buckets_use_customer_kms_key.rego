# METADATA
# title: Model artifact and training-data buckets use SSE-KMS with a customer-managed key
# description: |
#   Buckets holding model artifacts or training data (lib/ai.rego) encrypt by default
#   with SSE-KMS (`aws:kms` or `aws:kms:dsse`) under a customer-managed KMS key, so
#   that access to the data also needs the key (its policy, grants and audit trail
#   are the owner's) and the key can be disabled or rotated on the owner's terms.
#   Fails: no default encryption written (S3 then applies SSE-S3), SSE-S3 (AES256), or
#   SSE-KMS with the AWS-managed key (aws/s3, or no key given).
#   The key's owner comes from encryption.key_managed_by; when that is not set, from
#   the aws_kms_key resource that kms_master_key_id names (key_manager), or from the
#   key id itself (alias/aws/s3, or none, is the AWS-managed key).
#   Unknown: the algorithm is unknown, or it is SSE-KMS and the key's owner is unknown
#   or cannot be told from the snapshot.
# custom:
#   id: ENC-01
#   severity: medium
#   domain: encryption
#   resource_kinds: [aws_s3_bucket, aws_sagemaker_model, aws_sagemaker_endpoint_configuration]
#   frameworks:
#     nist-sp-800-53-r5: [SC-28, SC-28(1), SC-12]
#     iso-27001-2022: [A.8.24]
#     mitre-atlas: [AML.M0012]
#   remediation: >-
#     Set default encryption to SSE-KMS with a customer-managed key: Terraform
#     `aws_s3_bucket_server_side_encryption_configuration` rule
#     `apply_server_side_encryption_by_default { sse_algorithm = "aws:kms",
#     kms_master_key_id = aws_kms_key.<key>.arn }` with `bucket_key_enabled = true`
#     (S3 API `PutBucketEncryption`), then re-encrypt existing objects (S3 Batch
#     Operations copy) so that they too use the key.
package auditor.controls.enc_01

import rego.v1

applicable contains id if some id in data.auditor.lib.ai.data_bucket_ids

_kms_algorithms := {"aws:kms", "aws:kms:dsse"}

_name(b) := sprintf("bucket %s %s", [data.auditor.lib.ai.bucket_label(b), data.auditor.lib.ai.data_bucket_role(b)])

_algorithm(b) := lower(b.attributes.encryption.sse_algorithm) if is_string(b.attributes.encryption.sse_algorithm)

_kms(b) if _algorithm(b) in _kms_algorithms

_algorithm_unknown(b) if data.auditor.lib.util.is_unknown(b, "encryption.sse_algorithm")

# --- not SSE-KMS ----------------------------------------------------------------------------

deny contains data.auditor.lib.result.fail(b, msg, "encryption.sse_algorithm", value) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := input.resources.aws_s3_bucket[id]
	not _algorithm_unknown(b)
	not _kms(b)
	value := object.get(data.auditor.lib.util.as_object(b.attributes.encryption), "sse_algorithm", null)
	msg := sprintf("%s and is encrypted %s, not SSE-KMS with a customer-managed key", [_name(b), _current(value)])
}

_current(value) := "with SSE-S3 (AES256)" if value == "AES256"

_current(value) := "only by S3's default SSE-S3 (no encryption configuration)" if value == null

_current(value) := sprintf("with %v", [value]) if {
	value != null
	value != "AES256"
}

unknown contains data.auditor.lib.result.unknown(b, path) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := input.resources.aws_s3_bucket[id]
	some path in data.auditor.lib.util.unknown_paths(b, "encryption.sse_algorithm")
}

# --- SSE-KMS: whose key ------------------------------------------------------------------------

_key_id(b) := b.attributes.encryption.kms_master_key_id

# _key_owner(b): "customer" or "aws"; undefined when it cannot be told.
_key_owner(b) := lower(b.attributes.encryption.key_managed_by) if is_string(b.attributes.encryption.key_managed_by)

_key_owner(b) := lower(key.attributes.key_manager) if {
	not is_string(b.attributes.encryption.key_managed_by)
	key := input.resources.aws_kms_key[_key_id(b)]
	is_string(key.attributes.key_manager)
}

_key_owner(b) := "aws" if {
	not is_string(b.attributes.encryption.key_managed_by)
	not input.resources.aws_kms_key[_key_id(b)].attributes.key_manager
	_aws_managed_key_id(b)
}

_aws_managed_key_id(b) if {
	not data.auditor.lib.util.is_unknown(b, "encryption.kms_master_key_id")
	not is_string(_key_id(b))
}

_aws_managed_key_id(b) if {
	is_string(_key_id(b))
	endswith(_key_id(b), "alias/aws/s3")
}

_owner_unknown(b) if data.auditor.lib.util.is_unknown(b, "encryption.key_managed_by")

deny contains data.auditor.lib.result.fail(b, msg, "encryption.key_managed_by", "aws") if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := input.resources.aws_s3_bucket[id]
	_kms(b)
	not _owner_unknown(b)
	_key_owner(b) == "aws"
	key := object.get(b.attributes.encryption, "kms_master_key_id", null)
	msg := sprintf("%s and uses SSE-KMS with the AWS-managed key (%v), not a customer-managed key", [_name(b), key])
}

unknown contains data.auditor.lib.result.unknown(b, path) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := input.resources.aws_s3_bucket[id]
	_kms(b)
	some path in data.auditor.lib.util.unknown_paths(b, "encryption.key_managed_by")
}

unknown contains data.auditor.lib.result.unknown(b, path) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := input.resources.aws_s3_bucket[id]
	_kms(b)
	not _owner_unknown(b)
	not _key_owner(b)
	some path in data.auditor.lib.util.unknown_paths(b, "encryption.kms_master_key_id")
}

unknown contains data.auditor.lib.result.unknown_because(b, "encryption.kms_master_key_id", why) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := input.resources.aws_s3_bucket[id]
	_kms(b)
	not _owner_unknown(b)
	not _key_owner(b)
	not data.auditor.lib.util.is_unknown(b, "encryption.kms_master_key_id")
	key := object.get(b.attributes.encryption, "kms_master_key_id", null)
	why := sprintf("cannot tell whether KMS key %v is customer-managed (key not in the snapshot)", [key])
}
