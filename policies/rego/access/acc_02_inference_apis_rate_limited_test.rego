package auditor.controls.acc_02_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_res(kind, id, attributes) := data.auditor.lib.testing.resource(kind, id, attributes)

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.acc_02.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.acc_02.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.acc_02.unknown with input as inp with data.auditor.config as _cfg
}

_verdict(resources, id) := data.auditor.lib.testing.verdict(_results(resources), id)

_uri := "arn:aws:apigateway:us-east-1:runtime.sagemaker:path//endpoints/llm/invocations"

_method(key) := {"path": "/predict", "http_method": "POST", "authorization_type": "AWS_IAM", "api_key_required": key, "integration_type": "AWS", "integration_uri": _uri}

_stage(fields) := object.union({"stage_name": "prod", "throttle": null, "method_throttles": [], "usage_plan_throttles": [], "web_acl": null}, fields)

_rest(stages) := _res("aws_api_gateway_rest_api", "api", {"methods": [_method(false)], "stages": stages})

_rest_keyed(stages) := _res("aws_api_gateway_rest_api", "api", {"methods": [_method(true)], "stages": stages})

_t(rate) := {"rate_limit": rate, "burst_limit": 100}

# --- REST ---

test_stage_throttle_passes if {
	_verdict([_rest([_stage({"throttle": _t(50)})])], "api") == "pass"
}

test_no_throttle_fails if {
	_verdict([_rest([_stage({})])], "api") == "fail"
	some d in _results([_rest([_stage({})])]).deny
	d.evidence == {"attribute": "stages.0", "value": "prod"}
	contains(d.message, "POST /predict")
}

test_terraform_unset_rate_fails if {
	_verdict([_rest([_stage({"throttle": _t(-1)})])], "api") == "fail"
}

test_method_throttle_paths if {
	_verdict([_rest([_stage({"method_throttles": [{"path": "*/*", "throttle": _t(10)}]})])], "api") == "pass"
	_verdict([_rest([_stage({"method_throttles": [{"path": "~1predict/POST", "throttle": _t(10)}]})])], "api") == "pass"
	_verdict([_rest([_stage({"method_throttles": [{"path": "predict/*", "throttle": _t(10)}]})])], "api") == "pass"
	_verdict([_rest([_stage({"method_throttles": [{"path": "predict/GET", "throttle": _t(10)}]})])], "api") == "fail"
	_verdict([_rest([_stage({"method_throttles": [{"path": "other/POST", "throttle": _t(10)}]})])], "api") == "fail"
}

test_usage_plan_counts_only_for_keyed_methods if {
	_verdict([_rest_keyed([_stage({"usage_plan_throttles": [_t(5)]})])], "api") == "pass"
	_verdict([_rest([_stage({"usage_plan_throttles": [_t(5)]})])], "api") == "fail"
}

test_stage_waf_rate_rule_passes if {
	acl := _res("aws_wafv2_web_acl", "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/ml/abc", {"rules": [{"name": "rate", "rate_based": true, "rate_limit": 1000, "action": "BLOCK"}]})
	_verdict([_rest([_stage({"web_acl": "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/ml/abc"})]), acl], "api") == "pass"
}

test_every_stage_judged if {
	_verdict([_rest([_stage({"throttle": _t(50)}), _stage({"stage_name": "dev"})])], "api") == "fail"
}

test_no_stage_passes if {
	_verdict([_rest([])], "api") == "pass"
}

test_rest_unknown if {
	api := data.auditor.lib.testing.unknown(_res("aws_api_gateway_rest_api", "api", {"methods": [_method(false)]}), {"stages": "apigateway:GetStages AccessDenied"})
	_verdict([api], "api") == "error"
	stage := data.auditor.lib.testing.unknown(_rest([_stage({})]), {"stages.0.throttle": "known after apply"})
	_verdict([stage], "api") == "error"
}

# --- HTTP ---

_route := {"route_key": "POST /invoke", "authorization_type": "JWT", "integration_type": "HTTP_PROXY", "integration_uri": "https://bedrock-runtime.us-east-1.amazonaws.com/model/x/invoke"}

_http(stages) := _res("aws_apigatewayv2_api", "http", {"protocol_type": "HTTP", "routes": [_route], "stages": stages})

test_http_api if {
	_verdict([_http([{"stage_name": "$default", "throttle": _t(20), "route_throttles": []}])], "http") == "pass"
	_verdict([_http([{"stage_name": "$default", "throttle": null, "route_throttles": [{"route_key": "POST /invoke", "throttle": _t(20)}]}])], "http") == "pass"
	_verdict([_http([{"stage_name": "$default", "throttle": null, "route_throttles": [{"route_key": "GET /health", "throttle": _t(20)}]}])], "http") == "fail"
	_verdict([data.auditor.lib.testing.unknown(_http([]), {"stages": "x"})], "http") == "error"
}

# --- load balancers ---

_gpu := _res("aws_instance", "i-gpu", {"instance_type": "g5.xlarge"})

_tg := _res("aws_lb_target_group", "tg", {"targets": [{"target": "i-gpu"}]})

_listener := _res("aws_lb_listener", "l", {"load_balancer": "lb", "protocol": "HTTPS", "actions": [{"type": "forward", "target_groups": ["tg"]}]})

_lb(type) := _res("aws_lb", "lb", {"load_balancer_type": type, "scheme": "internet-facing"})

_acl(rules, associated) := _res("aws_wafv2_web_acl", "acl", {"scope": "REGIONAL", "rules": rules, "associated_resources": associated})

_rate := {"name": "rate", "rate_based": true, "rate_limit": 2000, "action": "BLOCK"}

test_alb_with_rate_rule_passes if {
	_verdict([_gpu, _tg, _listener, _lb("application"), _acl([_rate], ["lb"])], "lb") == "pass"
	_verdict([_gpu, _tg, _listener, _lb(null), _acl([_rate], ["lb"])], "lb") == "pass"
}

test_alb_without_waf_fails_on_absence if {
	_verdict([_gpu, _tg, _listener, _lb("application")], "lb") == "fail"
	some d in _results([_gpu, _tg, _listener, _lb("application")]).deny
	d.absent_kinds == ["aws_wafv2_web_acl"]
	# a web ACL associated with something else
	_verdict([_gpu, _tg, _listener, _lb("application"), _acl([_rate], ["other"])], "lb") == "fail"
}

test_alb_waf_without_blocking_rate_rule_fails if {
	count_only := object.union(_rate, {"action": "COUNT"})
	_verdict([_gpu, _tg, _listener, _lb("application"), _acl([count_only], ["lb"])], "lb") == "fail"
	managed := {"name": "common", "rate_based": false, "action": "BLOCK"}
	_verdict([_gpu, _tg, _listener, _lb("application"), _acl([managed], ["lb"])], "lb") == "fail"
}

test_alb_unknown if {
	acl := data.auditor.lib.testing.unknown(_acl(null, ["lb"]), {"rules": "wafv2:GetWebACL AccessDenied"})
	_verdict([_gpu, _tg, _listener, _lb("application"), acl], "lb") == "error"
	assoc := data.auditor.lib.testing.unknown(_acl([_rate], null), {"associated_resources": "known after apply"})
	_verdict([_gpu, _tg, _listener, _lb("application"), assoc], "lb") == "error"
}

test_alb_unknown_associations_elsewhere_do_not_count if {
	assoc := data.auditor.lib.testing.unknown(_acl([_rate], null), {"associated_resources": "wafv2:ListResourcesForWebACL denied"})
	elsewhere := object.union(assoc, {"region": "eu-west-1"})
	_verdict([_gpu, _tg, _listener, _lb("application"), elsewhere], "lb") == "fail"
	other_account := object.union(assoc, {"account": "210987654321"})
	_verdict([_gpu, _tg, _listener, _lb("application"), other_account], "lb") == "fail"
}

test_alb_cloudfront_acl_with_unknown_associations_does_not_count if {
	assoc := data.auditor.lib.testing.unknown(_acl([_rate], null), {"associated_resources": "CloudFront web ACL: the distributions it protects are not collected"})
	cloudfront := object.union(assoc, {"attributes": {"scope": "CLOUDFRONT", "rules": [_rate]}})
	_verdict([_gpu, _tg, _listener, _lb("application"), cloudfront], "lb") == "fail"
	regional := object.union(assoc, {"attributes": {"scope": "REGIONAL", "rules": [_rate]}})
	_verdict([_gpu, _tg, _listener, _lb("application"), regional], "lb") == "error"
}

test_nlb_not_judged if {
	_verdict([_gpu, _tg, _listener, _lb("network")], "lb") == "not applicable"
}
