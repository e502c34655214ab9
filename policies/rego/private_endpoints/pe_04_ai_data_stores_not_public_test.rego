package auditor.controls.pe_04_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_unknown(r, paths) := data.auditor.lib.testing.unknown(r, paths)

_tagged(r, tags) := data.auditor.lib.testing.tagged(r, tags)

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.pe_04.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.pe_04.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.pe_04.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_model := _res("aws_sagemaker_model", "m", {"containers": [{"image": "x", "model_data_url": "s3://artifacts/llm/model.tar.gz"}]})

_pab(on) := {"block_public_acls": on, "ignore_public_acls": on, "block_public_policy": on, "restrict_public_buckets": on}

_bucket(attributes) := _res("aws_s3_bucket", "b", object.union(
	{
		"bucket": "artifacts",
		"acl": "private",
		"grants": [],
		"policy": null,
		"public_access_block": null,
		"account_public_access_block": null,
	},
	attributes,
))

_verdict_of(attributes) := _verdict([_model, _bucket(attributes)], "b")

_policy(statement) := {"Version": "2012-10-17", "Statement": [statement]}

_public_read := {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::artifacts/*"}

# --- ACL --------------------------------------------------------------------------------------

test_public_read_acl_fails if {
	_verdict_of({"acl": "public-read"}) == "fail"
	some d in _results([_model, _bucket({"acl": "public-read"})], _cfg).deny
	d.evidence == {"attribute": "acl", "value": "public-read"}
	contains(d.message, "bucket artifacts holds model artifacts or data capture of m")
}

test_all_users_grant_fails if {
	grant := {"grantee_type": "Group", "grantee_uri": "http://acs.amazonaws.com/groups/global/AllUsers", "grantee_id": null, "permission": "READ"}
	_verdict_of({"grants": [grant]}) == "fail"
}

test_private_bucket_passes if {
	_verdict_of({}) == "pass"
	_verdict_of({"public_access_block": _pab(true)}) == "pass"
}

test_ignore_public_acls_neutralises_acl if {
	_verdict_of({"acl": "public-read", "public_access_block": {"ignore_public_acls": true}}) == "pass"
	_verdict_of({"acl": "public-read", "account_public_access_block": {"ignore_public_acls": true}}) == "pass"
}

test_block_public_acls_alone_does_not_neutralise if {
	_verdict_of({"acl": "public-read", "public_access_block": {"block_public_acls": true, "ignore_public_acls": false}}) == "fail"
}

test_unknown_acl_unknown if {
	b := _unknown(_bucket({"acl": null}), {"acl": "GetBucketAcl: AccessDenied"})
	_verdict([_model, b], "b") == "error"
	covered := _unknown(_bucket({"acl": null, "account_public_access_block": _pab(true)}), {"acl": "GetBucketAcl: AccessDenied"})
	_verdict([_model, covered], "b") == "pass"
}

test_public_acl_with_unknown_account_block_unknown if {
	b := _unknown(_bucket({"acl": "public-read", "public_access_block": {"ignore_public_acls": false}}), {"account_public_access_block": "s3control:GetPublicAccessBlock AccessDenied"})
	_verdict([_model, b], "b") == "error"
}

# --- policy ----------------------------------------------------------------------------------

test_wildcard_principal_policy_fails if {
	_verdict_of({"policy": _policy(_public_read)}) == "fail"
	some d in _results([_model, _bucket({"policy": _policy(_public_read)})], _cfg).deny
	d.evidence == {"attribute": "policy.Statement.0", "value": _public_read}
	contains(d.message, "policy statement 0 (PublicRead) allows anyone")
}

test_aws_wildcard_principal_fails if {
	_verdict_of({"policy": _policy(object.union(_public_read, {"Principal": {"AWS": "*"}}))}) == "fail"
}

test_wildcard_with_restricting_condition_passes if {
	vpce := object.union(_public_read, {"Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}}})
	_verdict_of({"policy": _policy(vpce)}) == "pass"
	org := object.union(_public_read, {"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}})
	_verdict_of({"policy": _policy(org)}) == "pass"
}

test_wildcard_with_non_restricting_condition_fails if {
	tls_only := object.union(_public_read, {"Condition": {"Bool": {"aws:SecureTransport": "true"}}})
	_verdict_of({"policy": _policy(tls_only)}) == "fail"
	negated := object.union(_public_read, {"Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}}})
	_verdict_of({"policy": _policy(negated)}) == "fail"
}

test_vpce_lockdown_passes if {
	lockdown := {
		"Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource": ["arn:aws:s3:::artifacts", "arn:aws:s3:::artifacts/*"],
		"Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}},
	}
	_verdict_of({"policy": {"Statement": [_public_read, lockdown]}}) == "pass"
}

test_fixed_principal_passes if {
	role := object.union(_public_read, {"Principal": {"AWS": "arn:aws:iam::123456789012:role/sagemaker-exec"}})
	_verdict_of({"policy": _policy(role)}) == "pass"
}

test_restrict_public_buckets_neutralises_policy if {
	_verdict_of({"policy": _policy(_public_read), "public_access_block": {"restrict_public_buckets": true}}) == "pass"
	_verdict_of({"policy": _policy(_public_read), "account_public_access_block": {"restrict_public_buckets": true}}) == "pass"
}

test_block_public_policy_alone_does_not_neutralise if {
	_verdict_of({"policy": _policy(_public_read), "public_access_block": {"block_public_policy": true}}) == "fail"
}

test_unknown_policy_unknown if {
	b := _unknown(_bucket({}), {"policy": "GetBucketPolicy: AccessDenied"})
	_verdict([_model, b], "b") == "error"
	some u in _results([_model, b], _cfg).unknown
	u.reason == "GetBucketPolicy: AccessDenied"
	covered := _unknown(_bucket({"public_access_block": _pab(true)}), {"policy": "GetBucketPolicy: AccessDenied"})
	_verdict([_model, covered], "b") == "pass"
}

test_public_policy_with_unknown_block_unknown if {
	b := _unknown(_bucket({"policy": _policy(_public_read)}), {"public_access_block": "known after apply"})
	_verdict([_model, b], "b") == "error"
}

# --- which buckets ------------------------------------------------------------------------------

test_non_ai_bucket_not_applicable if {
	_verdict([_bucket({"acl": "public-read"})], "b") == "not applicable"
}

test_data_capture_bucket_applicable if {
	ec := _res("aws_sagemaker_endpoint_configuration", "ec", {"data_capture": {"enabled": true, "destination_s3_uri": "s3://artifacts/capture/"}})
	_verdict([ec, _bucket({"acl": "public-read"})], "b") == "fail"
}

test_tagged_training_data_bucket if {
	b := _tagged(_bucket({"bucket": "datasets", "acl": "public-read-write"}), {"training-data": "true"})
	_verdict([b], "b") == "fail"
	cfg := object.union(_cfg, {"ai_data_tag_keys": ["dataset"]})
	data.auditor.lib.testing.verdict(_results([b], cfg), "b") == "not applicable"
}
