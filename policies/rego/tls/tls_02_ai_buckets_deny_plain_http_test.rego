package auditor.controls.tls_02_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.tls_02.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.tls_02.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.tls_02.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_model := _res("aws_sagemaker_model", "m", {"containers": [{"model_data_url": "s3://artifacts/model.tar.gz"}]})

_bucket(policy) := _res("aws_s3_bucket", "b", {"bucket": "artifacts", "policy": policy})

_stmt(overrides) := object.union({
	"Sid": "DenyInsecureTransport",
	"Effect": "Deny",
	"Principal": "*",
	"Action": "s3:*",
	"Resource": ["arn:aws:s3:::artifacts", "arn:aws:s3:::artifacts/*"],
	"Condition": {"Bool": {"aws:SecureTransport": "false"}},
}, overrides)

_policy(statements) := {"Version": "2012-10-17", "Statement": statements}

_v(policy) := _verdict([_model, _bucket(policy)], "b")

test_deny_insecure_transport_passes if {
	_v(_policy([_stmt({})])) == "pass"
	_v(_policy(_stmt({}))) == "pass"
	_v(_policy([_stmt({"Principal": {"AWS": "*"}, "Action": "*", "Condition": {"Bool": {"aws:SecureTransport": false}}})])) == "pass"
	_v(_policy([_stmt({"Condition": {"BoolIfExists": {"aws:SecureTransport": ["false"]}}})])) == "pass"
}

test_no_policy_fails if {
	_v(null) == "fail"
	some d in _results([_model, _bucket(null)]).deny
	d.evidence == {"attribute": "policy", "value": null}
}

test_policy_without_the_deny_fails if {
	allow := {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/ml"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::artifacts/*"}
	_v(_policy([allow])) == "fail"
}

test_partial_denies_fail if {
	_v(_policy([_stmt({"Action": "s3:PutObject"})])) == "fail"
	_v(_policy([_stmt({"Effect": "Allow"})])) == "fail"
	_v(_policy([_stmt({"Condition": {"Bool": {"aws:SecureTransport": "true"}}})])) == "fail"
	_v(_policy([_stmt({"Principal": {"AWS": "arn:aws:iam::123456789012:root"}})])) == "fail"
	_v(_policy([_stmt({"Resource": "arn:aws:s3:::artifacts"})])) == "fail"
}

test_unknown_policy if {
	b := data.auditor.lib.testing.unknown(_bucket(null), {"policy": "GetBucketPolicy: AccessDenied"})
	_verdict([_model, b], "b") == "error"
}

test_non_ai_bucket_not_applicable if {
	_verdict([_bucket(null)], "b") == "not applicable"
}
