package auditor.controls.acc_01_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources, cfg) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.acc_01.applicable with input as inp with data.auditor.config as cfg
	d := data.auditor.controls.acc_01.deny with input as inp with data.auditor.config as cfg
	u := data.auditor.controls.acc_01.unknown with input as inp with data.auditor.config as cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources, _cfg), id)

_sagemaker := "arn:aws:apigateway:us-east-1:runtime.sagemaker:path//endpoints/llm/invocations"

_lambda := "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:predict/invocations"

_method(auth, key, uri) := {"path": "/predict", "http_method": "POST", "authorization_type": auth, "api_key_required": key, "integration_type": "AWS", "integration_uri": uri}

_rest(methods) := _res("aws_api_gateway_rest_api", "api", {"endpoint_types": ["REGIONAL"], "methods": methods, "stages": []})

_http(routes) := _res("aws_apigatewayv2_api", "http", {"protocol_type": "HTTP", "routes": routes, "stages": []})

# --- REST ---

test_rest_authenticated_passes if {
	_verdict([_rest([_method("AWS_IAM", false, _sagemaker)])], "api") == "pass"
	_verdict([_rest([_method("COGNITO_USER_POOLS", false, _sagemaker)])], "api") == "pass"
	_verdict([_rest([_method("NONE", true, _sagemaker)])], "api") == "pass"
}

test_rest_unauthenticated_inference_fails if {
	_verdict([_rest([_method("NONE", false, _sagemaker)])], "api") == "fail"
	_verdict([_rest([_method(null, null, _sagemaker)])], "api") == "fail"
	bedrock := "arn:aws:apigateway:us-east-1:bedrock-runtime:path/model/anthropic.claude/invoke"
	_verdict([_rest([_method("NONE", false, bedrock)])], "api") == "fail"
	some d in _results([_rest([_method("NONE", false, _sagemaker)])], _cfg).deny
	d.evidence.attribute == "methods.0"
	contains(d.message, "POST /predict")
}

test_rest_unknown if {
	api := data.auditor.lib.testing.unknown(_rest([_method("NONE", false, _sagemaker)]), {"methods.0.authorization_type": "known after apply"})
	_verdict([api], "api") == "error"
	all := data.auditor.lib.testing.unknown(_res("aws_api_gateway_rest_api", "api", {}), {"methods": "apigateway:GetResources AccessDenied"})
	# nothing known about the API: it is not known to serve inference
	_verdict([all], "api") == "not applicable"
	doubt := data.auditor.lib.testing.unknown(_rest([_method("NONE", false, null)]), {"methods.0.integration_uri": "aws_lambda_function.f.invoke_arn"})
	_verdict([doubt], "api") == "error"
}

test_non_inference_api_not_applicable if {
	_verdict([_rest([_method("NONE", false, _lambda)])], "api") == "not applicable"
	_verdict([_rest([_method("NONE", false, "https://example.com/")])], "api") == "not applicable"
}

test_tagged_api_every_method_counts_but_mock if {
	api := data.auditor.lib.testing.tagged(_rest([_method("NONE", false, _lambda)]), {"ai-workload": "true"})
	_verdict([api], "api") == "fail"
	options := {"path": "/predict", "http_method": "OPTIONS", "authorization_type": "NONE", "api_key_required": false, "integration_type": "MOCK", "integration_uri": null}
	cors := data.auditor.lib.testing.tagged(_rest([options, _method("AWS_IAM", false, _lambda)]), {"ai-workload": "true"})
	_verdict([cors], "api") == "pass"
}

test_lambda_marker_from_config if {
	cfg := object.union(_cfg, {"inference_integration_markers": ["function:predict"]})
	data.auditor.lib.testing.verdict(_results([_rest([_method("NONE", false, _lambda)])], cfg), "api") == "fail"
}

# --- HTTP ---

_route(auth) := {"route_key": "POST /invoke", "authorization_type": auth, "integration_type": "HTTP_PROXY", "integration_uri": "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm/invocations"}

test_http_api if {
	_verdict([_http([_route("JWT")])], "http") == "pass"
	_verdict([_http([_route("NONE")])], "http") == "fail"
	_verdict([data.auditor.lib.testing.unknown(_http([_route(null)]), {"routes.0.authorization_type": "x"})], "http") == "error"
}
