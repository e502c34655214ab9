# METADATA
# title: EBS encryption-by-default helpers
# description: |
#   Finds the aws_ebs_encryption_by_default setting that governs a resource: same
#   `scope`, and same account and region where both sides name one. With the setting on,
#   AWS encrypts every new EBS volume of that account and region, whatever the volume's
#   own `encrypted` argument says; it does not encrypt volumes created before.
package auditor.lib.ebs

import rego.v1

# settings_for(r): the encryption-by-default resources that govern r.
settings_for(r) := {id |
	some id, d in input.resources.aws_ebs_encryption_by_default
	same_place(d, r)
}

# same_place(a, b): same scope; same account and region where both name one.
same_place(a, b) if {
	a.scope == b.scope
	_compatible(object.get(a, "account", null), object.get(b, "account", null))
	_compatible(object.get(a, "region", null), object.get(b, "region", null))
}

_compatible(x, y) if x == y

_compatible(x, _) if x == null

_compatible(_, y) if y == null

# default_encryption(r): "on" when a governing setting is known enabled; "unknown" when
# none is known enabled but one is unknown; "off" otherwise (including no setting).
default_encryption(r) := "on" if _on(r)

default_encryption(r) := "unknown" if {
	not _on(r)
	_unknown(r)
}

default_encryption(r) := "off" if {
	not _on(r)
	not _unknown(r)
}

_on(r) if {
	some id in settings_for(r)
	input.resources.aws_ebs_encryption_by_default[id].attributes.enabled == true
}

_unknown(r) if {
	some id in settings_for(r)
	input.resources.aws_ebs_encryption_by_default[id].unknown.enabled
}
