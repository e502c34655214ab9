# METADATA
# title: EBS encryption-by-default helpers
# description: |
#   Finds the aws_ebs_encryption_by_default setting that governs a resource: same
#   `scope`, and same account and region where both sides name one. With the setting on,
#   AWS encrypts every new EBS volume of that account and region, whatever the volume's
#   own `encrypted` argument says; it does not encrypt volumes created before.
package auditor.lib.ebs

import rego.v1

# settings_for(r): the encryption-by-default resources that govern r. Looked up by
# place for instances and volumes (computed once per distinct place: a comprehension per
# call, several calls per volume, dominated ENC-03 on large accounts).
settings_for(r) := ids if {
	ids := _settings_at[place(r)]
} else := _settings_of(r)

_settings_of(r) := {id |
	some id, d in input.resources.aws_ebs_encryption_by_default
	same_place(d, r)
}

# place(r): what same_place compares, as a value usable as a key.
place(r) := {"scope": r.scope, "account": object.get(r, "account", null), "region": object.get(r, "region", null)}

_places contains place(r) if {
	some kind in ["aws_instance", "aws_ebs_volume"]
	some r in input.resources[kind]
}

_settings_at := {p: _settings_of(p) | some p in _places}

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
default_encryption(r) := state if {
	state := _state_at[place(r)]
} else := _state(r)

# Once per place of an instance or volume, as settings_for.
_state_at := {p: _state(p) | some p in _places}

_state(r) := "on" if _on(r)

_state(r) := "unknown" if {
	not _on(r)
	_unknown(r)
}

_state(r) := "off" if {
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
