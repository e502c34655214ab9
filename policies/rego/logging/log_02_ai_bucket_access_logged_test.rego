package auditor.controls.log_02_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.log_02.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.log_02.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.log_02.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_model := _res("aws_sagemaker_model", "m", {"containers": [{"model_data_url": "s3://artifacts/model.tar.gz"}]})

_bucket(logging) := _res("aws_s3_bucket", "b", {"bucket": "artifacts", "logging": logging})

_trail(values, multi) := _res("aws_cloudtrail", "t", {"is_logging": true, "is_multi_region_trail": multi, "data_resources": [{"type": "AWS::S3::Object", "values": values}]})

test_server_access_logging_passes if {
	_verdict([_model, _bucket({"target_bucket": "logs", "target_prefix": "artifacts/"})], "b") == "pass"
}

test_trail_data_events_pass if {
	_verdict([_model, _bucket(null), _trail(["arn:aws:s3"], true)], "b") == "pass"
	_verdict([_model, _bucket(null), _trail(["arn:aws:s3:::artifacts/"], true)], "b") == "pass"
	_verdict([_model, _bucket(null), _trail(["arn:aws:s3:::artifacts/models/"], false)], "b") == "pass"
}

test_nothing_logs_fails if {
	_verdict([_model, _bucket(null)], "b") == "fail"
	some d in _results([_model, _bucket(null)]).deny
	d.absent_kinds == ["aws_cloudtrail"]
}

test_trail_not_selecting_bucket_fails if {
	_verdict([_model, _bucket(null), _trail(["arn:aws:s3:::other-bucket/"], true)], "b") == "fail"
	_verdict([_model, _bucket(null), _trail(["arn:aws:s3:::artifacts-old/"], true)], "b") == "fail"
	some d in _results([_model, _bucket(null), _trail(["arn:aws:s3:::other/"], true)]).deny
	not d.absent_kinds
	stopped := object.union(_trail(["arn:aws:s3"], true), {"attributes": {"is_logging": false}})
	_verdict([_model, _bucket(null), stopped], "b") == "fail"
	other_region := object.union(_trail(["arn:aws:s3"], false), {"region": "eu-west-1"})
	_verdict([_model, _bucket(null), other_region], "b") == "fail"
	lambda_only := _res("aws_cloudtrail", "t", {"is_logging": true, "is_multi_region_trail": true, "data_resources": [{"type": "AWS::Lambda::Function", "values": ["arn:aws:lambda"]}]})
	_verdict([_model, _bucket(null), lambda_only], "b") == "fail"
}

test_unknown if {
	b := data.auditor.lib.testing.unknown(_res("aws_s3_bucket", "b", {"bucket": "artifacts"}), {"logging": "s3:GetBucketLogging AccessDenied"})
	_verdict([_model, b], "b") == "error"
	t := data.auditor.lib.testing.unknown(_res("aws_cloudtrail", "t", {"is_logging": true}), {"data_resources": "cloudtrail:GetEventSelectors AccessDenied"})
	_verdict([_model, _bucket(null), t], "b") == "error"
	# known logging wins over doubts
	_verdict([_model, _bucket({"target_bucket": "logs"}), t], "b") == "pass"
}

test_non_ai_bucket_not_applicable if {
	_verdict([_bucket(null)], "b") == "not applicable"
}
