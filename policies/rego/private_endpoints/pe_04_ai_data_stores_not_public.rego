# METADATA
# title: Model artifact and training-data stores are not public
# description: |
#   Buckets holding model artifacts or training data (a SageMaker model's
#   model_data_url or an endpoint configuration's data-capture destination points into
#   them, or they carry an AI-data tag; lib/ai.rego) grant nothing to the public.
#   A bucket fails when a public grant is in force:
#   - its ACL is public (canned public-read, public-read-write or authenticated-read,
#     or a grant to the AllUsers or AuthenticatedUsers group) and the effective
#     ignore_public_acls is off; or
#   - its policy has an Allow statement to Principal "*" / {"AWS": "*"} (or any
#     NotPrincipal) that no condition restricts (aws:SourceVpce, aws:SourceVpc,
#     aws:SourceIp, aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceArn... with
#     fixed values and a positive operator) and that no "deny unless from my VPC
#     endpoint/network" Deny covers, and the effective restrict_public_buckets is off.
#   The effective setting is the bucket's OR the account's public access block (S3
#   applies the most restrictive). ignore_public_acls and restrict_public_buckets are
#   what neutralise an existing public ACL or policy; block_public_acls and
#   block_public_policy only reject new ones, so on their own they do not make a
#   public grant safe (with all four on, nothing public can be in force).
#   Unknown: the ACL, grants or policy are unknown while the matching neutraliser is
#   not known to be on; or a public grant is known while the neutraliser at bucket or
#   account level is unknown (e.g. GetPublicAccessBlock was denied).
# custom:
#   id: PE-04
#   severity: critical
#   domain: private_endpoints
#   resource_kinds: [aws_s3_bucket, aws_sagemaker_model, aws_sagemaker_endpoint_configuration]
#   frameworks:
#     nist-sp-800-53-r5: [AC-3, SC-28]
#     iso-27001-2022: [A.5.15, A.8.3]
#     owasp-llm-2025: [LLM02:2025]
#     mitre-atlas: [AML.M0005]
#   remediation: >-
#     Turn on all four S3 Block Public Access settings for the bucket and the account
#     (Terraform `aws_s3_bucket_public_access_block` and
#     `aws_s3_account_public_access_block` with `block_public_acls`,
#     `ignore_public_acls`, `block_public_policy` and `restrict_public_buckets` =
#     true; S3 API `PutPublicAccessBlock`), set `aws_s3_bucket_ownership_controls` to
#     BucketOwnerEnforced (ACLs disabled), and replace Principal "*" statements in
#     `aws_s3_bucket_policy` with the consuming roles, or restrict them with
#     `aws:SourceVpce` / `aws:PrincipalOrgID` conditions.
package auditor.controls.pe_04

import rego.v1

applicable contains id if some id in data.auditor.lib.ai.data_bucket_ids

_bucket(id) := input.resources.aws_s3_bucket[id]

_name(b) := sprintf("bucket %s %s", [data.auditor.lib.ai.bucket_label(b), data.auditor.lib.ai.data_bucket_role(b)])

_known_off(b, setting) if {
	not data.auditor.lib.s3.blocks(b, setting)
	count(data.auditor.lib.s3.block_unknown_paths(b, setting)) == 0
}

# --- ACL -------------------------------------------------------------------------------------

deny contains data.auditor.lib.result.fail(b, msg, path, value) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := _bucket(id)
	_known_off(b, "ignore_public_acls")
	some [path, value] in data.auditor.lib.s3.public_acl_grants(b)
	msg := sprintf("%s and its ACL is public (%s = %v) while ignore_public_acls is off at bucket and account level", [_name(b), path, _acl_text(value)])
}

_acl_text(value) := value if is_string(value)

_acl_text(value) := sprintf("%v to %v", [object.get(value, "permission", null), object.get(value, "grantee_uri", null)]) if {
	is_object(value)
}

unknown contains data.auditor.lib.result.unknown(b, path) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := _bucket(id)
	not data.auditor.lib.s3.blocks(b, "ignore_public_acls")
	some path in data.auditor.lib.s3.acl_unknown_paths(b)
}

unknown contains data.auditor.lib.result.unknown(b, path) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := _bucket(id)
	count(data.auditor.lib.s3.public_acl_grants(b)) > 0
	some path in data.auditor.lib.s3.block_unknown_paths(b, "ignore_public_acls")
}

# --- policy ----------------------------------------------------------------------------------

deny contains data.auditor.lib.result.fail(b, msg, data.auditor.lib.util.path(["policy", "Statement", i]), statement) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := _bucket(id)
	_known_off(b, "restrict_public_buckets")
	not data.auditor.lib.util.is_unknown(b, "policy")
	some [i, statement] in data.auditor.lib.s3.public_statements(b.attributes.policy)
	msg := sprintf("%s and policy statement %v (%v) allows anyone without a restricting condition while restrict_public_buckets is off at bucket and account level", [
		_name(b),
		i,
		object.get(statement, "Sid", "no Sid"),
	])
}

unknown contains data.auditor.lib.result.unknown(b, path) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := _bucket(id)
	not data.auditor.lib.s3.blocks(b, "restrict_public_buckets")
	some path in data.auditor.lib.util.unknown_paths(b, "policy")
}

unknown contains data.auditor.lib.result.unknown(b, path) if {
	some id in data.auditor.lib.ai.data_bucket_ids
	b := _bucket(id)
	not data.auditor.lib.util.is_unknown(b, "policy")
	count(data.auditor.lib.s3.public_statements(b.attributes.policy)) > 0
	some path in data.auditor.lib.s3.block_unknown_paths(b, "restrict_public_buckets")
}
