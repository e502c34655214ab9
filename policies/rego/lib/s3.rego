# METADATA
# title: S3 public exposure helpers
# description: |
#   Whether a bucket's ACL or policy grants public access, and whether the effective
#   S3 Block Public Access settings neutralise it.
#   - Effective setting: S3 applies the most restrictive combination of the bucket's and
#     the account's block, so a setting is on when either level has it true.
#   - A public ACL (canned public-read, public-read-write, authenticated-read, or a grant
#     to the AllUsers / AuthenticatedUsers groups) is neutralised by ignore_public_acls
#     (S3 then ignores public ACLs). block_public_acls only rejects new public ACLs; it
#     does not affect an existing one, so it does not neutralise on its own.
#   - A public policy statement is neutralised by restrict_public_buckets (only AWS
#     service principals and the owner account's users may then use the grant).
#     block_public_policy only rejects putting a public policy, so it does not
#     neutralise an existing one on its own.
#   - A policy statement is public when it is an Allow to Principal "*" (or a principal
#     value containing "*", or any NotPrincipal) that no condition restricts. A condition
#     restricts when it tests, with a positive operator (not a Not..., ...IfExists,
#     ForAllValues: or Null operator) and fixed values (no "*", no "${...}", no /0
#     CIDR), one of the keys S3 itself accepts as making a grant non-public:
#     aws:SourceIp, aws:SourceVpc, aws:SourceVpce, aws:SourceArn, aws:SourceAccount,
#     aws:SourceOwner, aws:SourceOrgID, aws:SourceOrgPaths, aws:PrincipalOrgID,
#     aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:PrincipalArn, aws:userid,
#     s3:DataAccessPointArn, s3:DataAccessPointAccount,
#     s3:x-amz-server-side-encryption-aws-kms-key-id.
#   - A public Allow is also neutralised by a Deny statement to "*" on every action
#     ("*" or "s3:*") and every object ("*" or "arn:...:bucket/*") whose condition is a
#     negated operator (StringNotEquals,
#     ArnNotEquals, NotIpAddress...) on one of those keys with fixed values: the common
#     "deny unless through my VPC endpoint" lock-down.
package auditor.lib.s3

import rego.v1

public_canned_acls := {"public-read", "public-read-write", "authenticated-read"}

public_group_uris := {
	"http://acs.amazonaws.com/groups/global/AllUsers",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}

# --- Block Public Access -------------------------------------------------------------

# blocks(b, setting): the effective (bucket OR account) setting is on.
blocks(b, setting) if b.attributes.public_access_block[setting] == true

blocks(b, setting) if b.attributes.account_public_access_block[setting] == true

# block_unknown_paths(b, setting): the unknown entries that leave the effective setting
# open (empty when it is known to be on, or known at both levels).
block_unknown_paths(b, setting) := set() if blocks(b, setting)

block_unknown_paths(b, setting) := paths if {
	not blocks(b, setting)
	bucket_level := data.auditor.lib.util.unknown_paths(b, concat(".", ["public_access_block", setting]))
	account_level := data.auditor.lib.util.unknown_paths(b, concat(".", ["account_public_access_block", setting]))
	paths := bucket_level | account_level
}

# --- ACL --------------------------------------------------------------------------------

# public_acl_grants(b): [attribute path, value] pairs that make the ACL public.
public_acl_grants(b) := canned | granted if {
	canned := {["acl", b.attributes.acl] | data.auditor.lib.util.lower_str(b.attributes.acl) in public_canned_acls}
	granted := {[path, grant] |
		some i, grant in data.auditor.lib.util.as_array(b.attributes.grants)
		grant.grantee_uri in public_group_uris
		path := data.auditor.lib.util.path(["grants", i])
	}
}

acl_unknown_paths(b) := data.auditor.lib.util.unknown_paths(b, "acl") | data.auditor.lib.util.unknown_paths(b, "grants")

# --- policy -------------------------------------------------------------------------------

_restricting_keys := {
	"aws:sourceip",
	"aws:sourcevpc",
	"aws:sourcevpce",
	"aws:sourcearn",
	"aws:sourceaccount",
	"aws:sourceowner",
	"aws:sourceorgid",
	"aws:sourceorgpaths",
	"aws:principalorgid",
	"aws:principalorgpaths",
	"aws:principalaccount",
	"aws:principalarn",
	"aws:userid",
	"s3:dataaccesspointarn",
	"s3:dataaccesspointaccount",
	"s3:x-amz-server-side-encryption-aws-kms-key-id",
}

# statements(policy): the policy's statements as an array (a lone object is accepted).
statements(policy) := policy.Statement if is_array(policy.Statement)

statements(policy) := [policy.Statement] if is_object(policy.Statement)

statements(policy) := [] if {
	not is_array(policy.Statement)
	not is_object(policy.Statement)
}

# public_statements(policy): [index, statement] of the Allow statements open to anyone,
# unless a VPC-endpoint-style Deny lock-down covers every statement.
public_statements(policy) := set() if _locked_down(policy)

public_statements(policy) := found if {
	not _locked_down(policy)
	found := {[i, s] |
		some i, s in statements(policy)
		_is_allow(s)
		_anyone(s)
		not _restricted(s)
	}
}

_is_allow(s) if data.auditor.lib.util.lower_str(s.Effect) == "allow"

_anyone(s) if s.NotPrincipal

_anyone(s) if _wildcard_principal(s.Principal)

_wildcard_principal(p) if p == "*"

_wildcard_principal(p) if {
	is_object(p)
	some value in p
	_has_wildcard_value(value)
}

_has_wildcard_value(v) if {
	is_string(v)
	contains(v, "*")
}

_has_wildcard_value(v) if {
	is_array(v)
	some x in v
	is_string(x)
	contains(x, "*")
}

# _restricted(s): a positive condition on a restricting key with fixed values.
_restricted(s) if {
	some operator, tests in data.auditor.lib.util.as_object(s.Condition)
	_positive(operator)
	some key, values in data.auditor.lib.util.as_object(tests)
	lower(key) in _restricting_keys
	_fixed(lower(key), values)
}

_positive(operator) if {
	op := lower(operator)
	not contains(op, "not")
	not endswith(op, "ifexists")
	not startswith(op, "forallvalues:")
	op != "null"
}

_negated(operator) if {
	op := lower(operator)
	contains(op, "not")
	not startswith(op, "forallvalues:")
}

# _fixed(key, values): every value is a fixed value (no wildcard, no policy variable, no
# world CIDR for aws:SourceIp), and there is at least one.
_fixed(key, values) if {
	vals := _as_list(values)
	count(vals) > 0
	every v in vals {
		is_string(v)
		not contains(v, "*")
		not contains(v, "${")
		not _world_ip(key, v)
	}
}

_world_ip("aws:sourceip", v) if endswith(trim_space(v), "/0")

_as_list(values) := values if is_array(values)

_as_list(values) := [values] if not is_array(values)

# _locked_down(policy): a Deny to everyone on every action unless a restricting key matches.
_locked_down(policy) if {
	some s in statements(policy)
	data.auditor.lib.util.lower_str(s.Effect) == "deny"
	_wildcard_principal(s.Principal)
	not s.NotAction
	_every_action(s.Action)
	_object_resources(s.Resource)
	some operator, tests in data.auditor.lib.util.as_object(s.Condition)
	_negated(operator)
	some key, values in data.auditor.lib.util.as_object(tests)
	lower(key) in _restricting_keys
	_fixed(lower(key), values)
}

_every_action(a) if _any_all_action(a)

_every_action(a) if {
	is_array(a)
	some x in a
	_any_all_action(x)
}

_any_all_action(a) if a in {"*", "s3:*"}

# _object_resources(r): the statement's resources include every object of the bucket.
_object_resources(r) if _object_resource(r)

_object_resources(r) if {
	is_array(r)
	some x in r
	_object_resource(x)
}

_object_resource(r) if r == "*"

_object_resource(r) if {
	is_string(r)
	endswith(r, "/*")
}

# --- transport -------------------------------------------------------------------------------

# secure_transport_statements(policy): [index, statement] of the Deny statements that refuse
# every action on every object to anyone over plain HTTP: Effect Deny, Principal "*" (or
# {"AWS": "*"}), Action "*" or "s3:*", Resource "*" or ".../*", and a Bool (or
# BoolIfExists) condition aws:SecureTransport = false.
secure_transport_statements(policy) := {[i, s] |
	some i, s in statements(policy)
	data.auditor.lib.util.lower_str(s.Effect) == "deny"
	_wildcard_principal(s.Principal)
	not s.NotAction
	_every_action(s.Action)
	_object_resources(s.Resource)
	_insecure_transport_condition(s.Condition)
}

_insecure_transport_condition(condition) if {
	some operator, tests in data.auditor.lib.util.as_object(condition)
	lower(operator) in {"bool", "boolifexists"}
	some key, value in data.auditor.lib.util.as_object(tests)
	lower(key) == "aws:securetransport"
	some v in _as_list(value)
	_false(v)
}

_false(v) if v == false

_false(v) if data.auditor.lib.util.lower_str(v) == "false"
