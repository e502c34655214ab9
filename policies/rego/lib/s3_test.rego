package auditor.lib.s3_test

import rego.v1

_bucket(attributes, unknown) := {"id": "b", "kind": "aws_s3_bucket", "attributes": attributes, "unknown": unknown, "tags": {}}

_public(statement) if {
	count(data.auditor.lib.s3.public_statements({"Version": "2012-10-17", "Statement": [statement]})) > 0
}

test_blocks_bucket_or_account if {
	data.auditor.lib.s3.blocks(_bucket({"public_access_block": {"restrict_public_buckets": true}}, {}), "restrict_public_buckets")
	data.auditor.lib.s3.blocks(_bucket({"public_access_block": null, "account_public_access_block": {"restrict_public_buckets": true}}, {}), "restrict_public_buckets")
	not data.auditor.lib.s3.blocks(_bucket({"public_access_block": {"restrict_public_buckets": false}, "account_public_access_block": null}, {}), "restrict_public_buckets")
	not data.auditor.lib.s3.blocks(_bucket({"public_access_block": {"block_public_policy": true}}, {}), "restrict_public_buckets")
}

test_block_unknown_paths if {
	b := _bucket({"public_access_block": {"ignore_public_acls": false}}, {"account_public_access_block": "AccessDenied"})
	data.auditor.lib.s3.block_unknown_paths(b, "ignore_public_acls") == {"account_public_access_block"}
	known := _bucket({"public_access_block": {"ignore_public_acls": true}}, {"account_public_access_block": "AccessDenied"})
	data.auditor.lib.s3.block_unknown_paths(known, "ignore_public_acls") == set()
}

test_public_acl_grants if {
	data.auditor.lib.s3.public_acl_grants(_bucket({"acl": "public-read"}, {})) == {["acl", "public-read"]}
	data.auditor.lib.s3.public_acl_grants(_bucket({"acl": "authenticated-read"}, {})) == {["acl", "authenticated-read"]}
	grant := {"grantee_type": "Group", "grantee_uri": "http://acs.amazonaws.com/groups/global/AllUsers", "permission": "READ"}
	data.auditor.lib.s3.public_acl_grants(_bucket({"acl": "private", "grants": [{"grantee_type": "CanonicalUser", "grantee_id": "abc"}, grant]}, {})) == {["grants.1", grant]}
	data.auditor.lib.s3.public_acl_grants(_bucket({"acl": "private", "grants": []}, {})) == set()
	data.auditor.lib.s3.public_acl_grants(_bucket({"acl": "log-delivery-write"}, {})) == set()
	data.auditor.lib.s3.public_acl_grants(_bucket({"acl": null, "grants": null}, {})) == set()
}

test_wildcard_principals_are_public if {
	_public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
	_public({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
	_public({"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"]}, "Action": "s3:*", "Resource": "*"})
	_public({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "*"})
}

test_fixed_principals_are_not_public if {
	not _public({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/trainer"}, "Action": "s3:GetObject", "Resource": "*"})
	not _public({"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "*"})
	not _public({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"})
}

test_restricting_conditions if {
	not _public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}})
	not _public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-abc123"]}}})
	not _public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}})
	not _public({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}})
	not _public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"AWS:SOURCEVPC": "vpc-1"}}})
}

test_conditions_that_do_not_restrict if {
	# a condition on another key
	_public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}})
	# negated, IfExists and ForAllValues operators match requests without the key
	_public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}})
	_public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}})
	_public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:SourceVpce": ["vpce-1"]}}})
	# wildcards, policy variables and world CIDRs are not fixed values
	_public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLike": {"aws:SourceVpce": "vpce-*"}}})
	_public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:userid": "${aws:username}"}}})
	_public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "0.0.0.0/0"]}}})
	_public({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": []}}})
}

test_single_statement_object if {
	policy := {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}}
	count(data.auditor.lib.s3.public_statements(policy)) == 1
	data.auditor.lib.s3.public_statements(null) == set()
	data.auditor.lib.s3.public_statements({"Statement": null}) == set()
}

test_vpce_lockdown_neutralises_public_allow if {
	allow := {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
	deny := {
		"Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
		"Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
	}
	data.auditor.lib.s3.public_statements({"Statement": [allow, deny]}) == set()
	# a lock-down that spares some actions or objects does not count
	partial := object.union(deny, {"Action": "s3:PutObject"})
	count(data.auditor.lib.s3.public_statements({"Statement": [allow, partial]})) == 1
	bucket_only := object.union(deny, {"Resource": "arn:aws:s3:::b"})
	count(data.auditor.lib.s3.public_statements({"Statement": [allow, bucket_only]})) == 1
	wildcard := object.union(object.remove(deny, ["Condition"]), {"Condition": {"StringNotLike": {"aws:SourceVpce": "vpce-*"}}})
	count(data.auditor.lib.s3.public_statements({"Statement": [allow, wildcard]})) == 1
}
