package auditor.lib.tls_test

import rego.v1

_tls12(name) if data.auditor.lib.tls.elb_policy_tls12(name) with data.auditor.config as data.auditor.lib.testing.config

test_tls12_policies_by_name if {
	every name in [
		"ELBSecurityPolicy-TLS13-1-2-2021-06",
		"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
		"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
		"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
		"ELBSecurityPolicy-TLS13-1-3-2021-06",
		"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
		"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
		"ELBSecurityPolicy-TLS-1-2-2017-01",
		"ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
		"ELBSecurityPolicy-FS-1-2-2019-08",
		"ELBSecurityPolicy-FS-1-2-Res-2020-10",
	] {
		_tls12(name)
	}
}

test_weak_policies_by_name if {
	every name in [
		"ELBSecurityPolicy-2016-08",
		"ELBSecurityPolicy-2015-05",
		"ELBSecurityPolicy-TLS-1-1-2017-01",
		"ELBSecurityPolicy-FS-2018-06",
		"ELBSecurityPolicy-FS-1-1-2019-08",
		"ELBSecurityPolicy-TLS13-1-0-2021-06",
		"ELBSecurityPolicy-TLS13-1-1-2021-06",
		"ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04",
		"elbsecuritypolicy-tls13-1-2-2021-06",
		"",
	] {
		not _tls12(name)
	}
	not _tls12(null)
}

test_configured_policy_list_replaces_names if {
	cfg := object.union(data.auditor.lib.testing.config, {"elb_tls_policies": ["Corp-TLS12"]})
	data.auditor.lib.tls.elb_policy_tls12("Corp-TLS12") with data.auditor.config as cfg
	not data.auditor.lib.tls.elb_policy_tls12("ELBSecurityPolicy-TLS13-1-2-2021-06") with data.auditor.config as cfg
}
