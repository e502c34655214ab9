package auditor.lib.ebs_test

import rego.v1


_vol := data.auditor.lib.testing.resource("aws_ebs_volume", "vol-1", {"encrypted": null})

_setting(enabled) := data.auditor.lib.testing.resource("aws_ebs_encryption_by_default", "ebs-default", {"enabled": enabled})

_state(resources) := state if {
	state := data.auditor.lib.ebs.default_encryption(_vol) with input as data.auditor.lib.testing.input_of(resources)
}

test_default_encryption_on if {
	_state([_vol, _setting(true)]) == "on"
}

test_default_encryption_off if {
	_state([_vol, _setting(false)]) == "off"
	_state([_vol, _setting(null)]) == "off"
	_state([_vol]) == "off"
}

test_default_encryption_unknown if {
	_state([_vol, data.auditor.lib.testing.unknown(_setting(null), {"enabled": "AccessDenied"})]) == "unknown"
}

test_other_region_or_scope_does_not_govern if {
	_state([_vol, data.auditor.lib.testing.patched(_setting(true), {"region": "eu-west-1"})]) == "off"
	_state([_vol, data.auditor.lib.testing.patched(_setting(true), {"scope": "aws:999999999999"})]) == "off"
}

test_region_not_named_matches if {
	_state([_vol, data.auditor.lib.testing.patched(_setting(true), {"region": null})]) == "on"
}
