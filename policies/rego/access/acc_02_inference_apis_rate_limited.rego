# METADATA
# title: Model-inference APIs are rate limited
# description: |
#   Model APIs are throttled, to slow down model extraction, denial of wallet and GPU
#   exhaustion.
#   - API Gateway REST APIs serving inference (lib/ai_aws.rego): in every stage, every
#     inference method is throttled by the stage's default method throttling, a method
#     throttle whose path covers it ("*/*", "<path>/*", "<path>/<METHOD>"), a usage plan
#     throttle when the method requires an API key (usage plans only meter keyed
#     requests), or the stage's WAF web ACL with a rate-based rule. A throttle counts
#     when its rate_limit is a number of at least 0 (Terraform's -1 means unset).
#   - API Gateway HTTP APIs serving inference: in every stage, every inference route is
#     throttled by the stage's default route throttling or a route throttle of its route
#     key.
#   - Application load balancers in front of AI (lib/ai.rego): a WAFv2 web ACL
#     associated with the load balancer has a rate-based rule whose action is not COUNT.
#     The failure rests on the absence of such a web ACL: where aws_wafv2_web_acl was not
#     collected in the load balancer's account and region it is error, not fail.
#   An API with no stage is not deployed and passes. API Gateway's account-level
#   default (10,000 requests per second) is not counted as a limit.
#   Unknown: the stages, a stage's throttles, or a web ACL's rules are unknown while no
#   known limit applies.
# custom:
#   id: ACC-02
#   severity: medium
#   domain: access
#   resource_kinds: [aws_api_gateway_rest_api, aws_apigatewayv2_api, aws_wafv2_web_acl, aws_lb, aws_lb_listener, aws_lb_target_group, aws_instance]
#   frameworks:
#     nist-sp-800-53-r5: [SC-5]
#     iso-27001-2022: [A.8.6]
#     owasp-llm-2025: [LLM10:2025]
#     mitre-atlas: [AML.M0004]
#   remediation: >-
#     REST APIs: Terraform `aws_api_gateway_method_settings { method_path = "*/*"
#     settings { throttling_rate_limit = 50, throttling_burst_limit = 100 } }` on each
#     stage, or `aws_api_gateway_usage_plan { throttle_settings { rate_limit, burst_limit
#     } }` with `api_key_required = true` on the methods; HTTP APIs:
#     `aws_apigatewayv2_stage.default_route_settings { throttling_rate_limit,
#     throttling_burst_limit }` (or `route_settings`); ALBs: an `aws_wafv2_web_acl` with a
#     `rule { statement { rate_based_statement { limit = 1000, aggregate_key_type = "IP"
#     } } action { block {} } }` and `aws_wafv2_web_acl_association` to the load balancer.
package auditor.controls.acc_02

import rego.v1

_rest_ids := data.auditor.lib.ai_aws.rest_api_ids

_http_ids := data.auditor.lib.ai_aws.http_api_ids

_albs contains id if {
	some id in data.auditor.lib.ai.load_balancer_ids
	lb := input.resources.aws_lb[id]
	_application(object.get(lb.attributes, "load_balancer_type", null))
}

_application(t) if t == null

_application(t) if data.auditor.lib.util.lower_str(t) == "application"

applicable contains id if some id in _rest_ids

applicable contains id if some id in _http_ids

applicable contains id if some id in _albs

_limited(t) if {
	is_number(t.rate_limit)
	t.rate_limit >= 0
}

_stages(api) := data.auditor.lib.util.as_array(object.get(api.attributes, "stages", null))

# --- WAF ---------------------------------------------------------------------------------------

_rate_rule(acl) if {
	some rule in data.auditor.lib.util.as_array(object.get(acl.attributes, "rules", null))
	rule.rate_based == true
	not data.auditor.lib.util.upper_str(rule.action) == "COUNT"
}

_acl_ids(ref) := {ref} if input.resources.aws_wafv2_web_acl[ref]

_acl_ids(ref) := ids if {
	not input.resources.aws_wafv2_web_acl[ref]
	ids := {id |
		some id, _ in input.resources.aws_wafv2_web_acl
		data.auditor.lib.util.last_segment(id) == data.auditor.lib.util.last_segment(ref)
	}
}

_stage_waf(stage) if {
	some acl_id in _acl_ids(stage.web_acl)
	_rate_rule(input.resources.aws_wafv2_web_acl[acl_id])
}

# --- REST APIs -----------------------------------------------------------------------------------

_norm(path) := trim_prefix(replace(path, "~1", "/"), "/") if is_string(path)

_covers(throttle_path, m) if throttle_path == "*/*"

_covers(throttle_path, m) if {
	parts := split(throttle_path, "/")
	method := parts[count(parts) - 1]
	path := concat("/", array.slice(parts, 0, count(parts) - 1))
	_norm(path) == _norm(m.path)
	method in {"*", data.auditor.lib.util.upper_str(m.http_method)}
}

_rest_limited(stage, m) if _limited(stage.throttle)

_rest_limited(stage, m) if {
	some mt in data.auditor.lib.util.as_array(stage.method_throttles)
	is_string(mt.path)
	_covers(mt.path, m)
	_limited(mt.throttle)
}

_rest_limited(stage, m) if {
	m.api_key_required == true
	some u in data.auditor.lib.util.as_array(stage.usage_plan_throttles)
	_limited(u)
}

_rest_limited(stage, _) if _stage_waf(stage)

_method_name(m) := sprintf("%v %v", [object.get(m, "http_method", null), object.get(m, "path", null)])

_rest_unlimited(api, stage) := {_method_name(m) |
	some m in data.auditor.lib.util.as_array(object.get(api.attributes, "methods", null))
	data.auditor.lib.ai_aws.inference_entry(api, m)
	not _rest_limited(stage, m)
}

deny contains data.auditor.lib.result.fail(api, msg, data.auditor.lib.util.path(["stages", i]), object.get(stage, "stage_name", null)) if {
	some id in _rest_ids
	api := input.resources.aws_api_gateway_rest_api[id]
	some i, stage in _stages(api)
	unlimited := _rest_unlimited(api, stage)
	count(unlimited) > 0
	count(data.auditor.lib.util.unknown_paths(api, data.auditor.lib.util.path(["stages", i]))) == 0
	msg := sprintf("REST API %s stage %v serves model inference without a rate limit on %s (no stage, method or usage-plan throttle, no WAF rate-based rule)", [api.name, object.get(stage, "stage_name", null), concat(", ", sort(unlimited))])
}

# --- HTTP APIs --------------------------------------------------------------------------------------

_http_limited(stage, _) if _limited(stage.throttle)

_http_limited(stage, r) if {
	some rt in data.auditor.lib.util.as_array(stage.route_throttles)
	rt.route_key == r.route_key
	_limited(rt.throttle)
}

_http_unlimited(api, stage) := {sprintf("%v", [object.get(r, "route_key", null)]) |
	some r in data.auditor.lib.util.as_array(object.get(api.attributes, "routes", null))
	data.auditor.lib.ai_aws.inference_entry(api, r)
	not _http_limited(stage, r)
}

deny contains data.auditor.lib.result.fail(api, msg, data.auditor.lib.util.path(["stages", i]), object.get(stage, "stage_name", null)) if {
	some id in _http_ids
	api := input.resources.aws_apigatewayv2_api[id]
	some i, stage in _stages(api)
	unlimited := _http_unlimited(api, stage)
	count(unlimited) > 0
	count(data.auditor.lib.util.unknown_paths(api, data.auditor.lib.util.path(["stages", i]))) == 0
	msg := sprintf("HTTP API %s stage %v serves model inference without a rate limit on %s (no default or route throttling)", [api.name, object.get(stage, "stage_name", null), concat(", ", sort(unlimited))])
}

unknown contains data.auditor.lib.result.unknown(api, path) if {
	some [kind, api_id] in _judged_apis
	api := input.resources[kind][api_id]
	some path in data.auditor.lib.util.unknown_paths(api, "stages")
}

_judged_apis contains ["aws_api_gateway_rest_api", id] if some id in _rest_ids

_judged_apis contains ["aws_apigatewayv2_api", id] if some id in _http_ids

# --- load balancers -------------------------------------------------------------------------------

# _acls_of[resource id]: the web ACLs associated with it. Indexed once: scanning every
# ACL's associations for every load balancer was quadratic on large accounts.
_acls_of[resource_id] contains acl_id if {
	some acl_id, acl in input.resources.aws_wafv2_web_acl
	some resource_id in data.auditor.lib.util.as_array(object.get(acl.attributes, "associated_resources", null))
}

_lb_acls(lb_id) := {acl_id | some acl_id in _acls_of[lb_id]}

_lb_rules_unknown(lb_id) := {sprintf("%s %s", [acl_id, p]) |
	some acl_id in _lb_acls(lb_id)
	some p in data.auditor.lib.util.unknown_paths(input.resources.aws_wafv2_web_acl[acl_id], "rules")
}

_lb_limited(lb_id) if {
	some acl_id in _lb_acls(lb_id)
	_rate_rule(input.resources.aws_wafv2_web_acl[acl_id])
}

# A regional web ACL protects resources of its own account and region only: an ACL whose
# associations are unknown elsewhere casts no doubt on this load balancer, nor does a
# CloudFront web ACL (it protects distributions only).
_association_unknown(lb) := _association_unknown_at[data.auditor.lib.ebs.place(lb)]

_alb_places contains data.auditor.lib.ebs.place(input.resources.aws_lb[id]) if some id in _albs

_association_unknown_at := {place: ids |
	some place in _alb_places
	ids := {acl_id |
		some acl_id, acl in input.resources.aws_wafv2_web_acl
		object.get(acl.attributes, "scope", null) != "CLOUDFRONT"
		data.auditor.lib.ebs.same_place(acl, place)
		data.auditor.lib.util.is_unknown(acl, "associated_resources")
	}
}

deny contains data.auditor.lib.result.fail_absent(lb, msg, "aws_wafv2_web_acl", null, ["aws_wafv2_web_acl"]) if {
	some id in _albs
	lb := input.resources.aws_lb[id]
	count(_lb_acls(id)) == 0
	count(_association_unknown(lb)) == 0
	msg := sprintf("load balancer %s is in front of AI services and no WAF web ACL is associated with it: nothing rate-limits the model API", [lb.name])
}

deny contains data.auditor.lib.result.fail(lb, msg, "aws_wafv2_web_acl", sort(acls)) if {
	some id in _albs
	lb := input.resources.aws_lb[id]
	acls := _lb_acls(id)
	count(acls) > 0
	not _lb_limited(id)
	count(_lb_rules_unknown(id)) == 0
	msg := sprintf("load balancer %s is in front of AI services and its WAF web ACL (%s) has no rate-based rule that blocks", [lb.name, concat(", ", sort(acls))])
}

unknown contains data.auditor.lib.result.unknown_because(lb, "aws_wafv2_web_acl", why) if {
	some id in _albs
	lb := input.resources.aws_lb[id]
	not _lb_limited(id)
	doubts := _lb_rules_unknown(id) | {sprintf("%s associated_resources unknown", [a]) | some a in _association_unknown(lb)}
	count(doubts) > 0
	why := sprintf("whether a WAF rate-based rule protects the load balancer is unknown: %s", [concat("; ", sort(doubts))])
}
