package auditor.controls.enc_06_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.enc_06.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.enc_06.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.enc_06.unknown with input as inp with data.auditor.config as _cfg
}

_cluster(attrs) := data.auditor.lib.testing.resource("aws_eks_cluster", "c", attrs)

_v(r) := data.auditor.lib.testing.verdict(_results([r]), "c")

test_secrets_encrypted_passes if {
	_v(_cluster({"encryption_config": [{"resources": ["secrets"], "key_arn": "arn:aws:kms:us-east-1:123456789012:key/k"}]})) == "pass"
}

test_no_encryption_config_fails if {
	_v(_cluster({"encryption_config": []})) == "fail"
	_v(_cluster({})) == "fail"
	_v(_cluster({"encryption_config": null})) == "fail"
}

test_encryption_config_without_secrets_fails if {
	_v(_cluster({"encryption_config": [{"resources": [], "key_arn": "k"}]})) == "fail"
	_v(_cluster({"encryption_config": [{"resources": null}]})) == "fail"
}

test_unknown if {
	_v(data.auditor.lib.testing.unknown(_cluster({}), {"encryption_config": "known after apply"})) == "error"
	_v(data.auditor.lib.testing.unknown(_cluster({"encryption_config": [{"resources": ["secrets"]}]}), {"encryption_config.0.key_arn": "known after apply"})) == "pass"
}
