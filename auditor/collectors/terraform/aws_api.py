"""API Gateway (REST and HTTP APIs) and WAFv2: Terraform resource types → normalised kinds.

The model-inference API controls (ACC-01 authentication, ACC-02 rate limits) read an API
as one resource with its methods or routes and its stages, as the live collector gives it
(auditor/collectors/aws/normalise.py). Terraform spreads an API over many resources that
name it (methods, integrations, stages, method settings; routes, integrations, stages):
they are folded into the API's state and assembled once every fold is done (`finish_*`),
because a method's integration and a stage's method settings are separate resources
found by key, whatever order they come in. Usage plans and WAF associations name a stage
from outside the API and are few: they are looked up when the stage is built.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.collectors.terraform.aws_services import LOG_GROUP
from auditor.collectors.terraform.engine import (
    Builder,
    Built,
    Context,
    FoldFn,
    FoldSpec,
    KindSpec,
    Reader,
    computed_to_unknown,
    to_bool,
    to_int,
    to_number,
    to_str,
)
from auditor.collectors.terraform.raw import Ref, Unknown

REST_API = ("aws_api_gateway_rest_api",)
REST_RESOURCE = ("aws_api_gateway_resource",)
REST_METHOD = ("aws_api_gateway_method",)
REST_STAGE = ("aws_api_gateway_stage",)
USAGE_PLAN = ("aws_api_gateway_usage_plan",)
HTTP_API = ("aws_apigatewayv2_api",)
HTTP_INTEGRATION = ("aws_apigatewayv2_integration",)
WEB_ACL = ("aws_wafv2_web_acl",)
WEB_ACL_ASSOCIATION = ("aws_wafv2_web_acl_association",)
FIREHOSE = ("aws_kinesis_firehose_delivery_stream",)


# ---------------------------------------------------------------------------------
# API Gateway REST APIs: resources, methods, integrations, stages, method settings and
# usage plans folded into the API


def build_rest_api(rd: Reader, b: Builder) -> None:
    v = rd.values
    config = rd.block(v, "endpoint_configuration")
    types = rd.value(config, "types")
    b.put_list("endpoint_types", ["EDGE"] if types is None else types, to_str)
    b.attrs["methods"] = []
    b.attrs["stages"] = []


def _collect(kind: str) -> FoldFn:
    """A fold that keeps the sub-resource for the API's finish step."""

    def fold(rd: Reader, parent: Built) -> None:
        parent.state.setdefault(kind, []).append(rd)

    return fold


def finish_rest_api(ctx: Context, built: Built) -> None:
    """Methods (with their path and integration) and stages (with their throttles and
    WAF), once every part is folded: a method's integration may come before it."""
    b = built.builder
    api_id = built.resource.id
    body = built.raw.values.get("body") if built.raw else None
    integrations = _Integrations(built.state.get("integration", []))
    if body not in (None, ""):
        b.mark_unknown("methods", "defined by the OpenAPI document in `body`, which is not read")
    else:
        for rd in built.state.get("method", []):
            _rest_method(rd, b.item("methods"), api_id, integrations)
    settings = built.state.get("settings", [])
    for rd in built.state.get("stage", []):
        _rest_stage(ctx, rd, b.item("stages"), api_id, settings)


def _rest_path(rd: Reader, resource: Any, api_id: str, depth: int = 0) -> Any:
    """The path of an aws_api_gateway_resource ("/generate", "/v1/chat"): its path_part
    under its parent's path; "/" for the API's root resource."""
    if resource == api_id:
        return "/"
    if isinstance(resource, Unknown):
        return resource
    res = rd.ctx.by_id.get(resource) if isinstance(resource, str) else None
    if res is None or res.type not in REST_RESOURCE or depth > 32:
        return Unknown(f"the API resource {resource} is not in this configuration")
    reader = Reader(rd.ctx, res)
    part = reader.value(res.values, "path_part")
    if isinstance(part, Unknown) or part is None:
        return part if isinstance(part, Unknown) else Unknown("the resource has no path_part")
    parent = reader.rel(res.values, "parent_id", (*REST_RESOURCE, *REST_API))
    above = _rest_path(reader, parent, api_id, depth + 1)
    if isinstance(above, Unknown):
        return above
    return f"{above.rstrip('/')}/{to_str(part)}"


def _method_verb(rd: Reader, values: dict[str, Any]) -> Any:
    """An http_method written as a literal or as a reference to a method resource."""
    verb = rd.raw(values, "http_method")
    target = rd.to_rel(verb, REST_METHOD)
    res = rd.ctx.by_id.get(target) if isinstance(target, str) else None
    if res is not None and res.type in REST_METHOD:
        return Reader(rd.ctx, res).value(res.values, "http_method")
    return computed_to_unknown(verb)


class _Integrations:
    """An API's integrations by (resource id, upper-case method), and why one could not
    be placed (its resource or verb unknown): then a method without a known integration
    may have that one, and its integration is unknown rather than none."""

    def __init__(self, readers: list[Reader]) -> None:
        self.by_key: dict[tuple[str, str], Reader] = {}
        self.doubt: str | None = None
        for rd in readers:
            resource = rd.rel(rd.values, "resource_id", (*REST_RESOURCE, *REST_API))
            verb = _method_verb(rd, rd.values)
            if isinstance(resource, str) and isinstance(verb, str):
                self.by_key.setdefault((resource, verb.upper()), rd)
            elif self.doubt is None:
                why = next((x.reason for x in (resource, verb) if isinstance(x, Unknown)), None)
                self.doubt = f"{rd.resource.id}: {why or 'no resource or method written'}"


def _rest_method(rd: Reader, mb: Builder, api_id: str, integrations: _Integrations) -> None:
    v = rd.values
    resource = rd.rel(v, "resource_id", (*REST_RESOURCE, *REST_API))
    mb.put("path", _rest_path(rd, resource, api_id), to_str)
    verb = _method_verb(rd, v)
    mb.put("http_method", verb, lambda x: to_str(x).upper())
    mb.put("authorization_type", rd.value(v, "authorization"), lambda x: to_str(x).upper())
    mb.put("api_key_required", rd.value(v, "api_key_required"), to_bool, False)
    found = None
    if isinstance(resource, str) and isinstance(verb, str):
        found = integrations.by_key.get((resource, verb.upper()))
    if found is None:
        reason = None
        if isinstance(resource, Unknown) or isinstance(verb, Unknown):
            reason = "the method's resource or verb is unknown, so its integration is"
        elif integrations.doubt:
            reason = f"an integration of the API could be this method's: {integrations.doubt}"
        for key in ("integration_type", "integration_uri"):
            if reason:
                mb.mark_unknown(key, reason)
            else:
                mb.put(key, None)
        return
    mb.put("integration_type", found.value(found.values, "type"), to_str)
    mb.put("integration_uri", _uri(found, found.values, "uri"), to_str)


def _uri(rd: Reader, values: dict[str, Any], key: str) -> Any:
    """An integration target: the literal, or the id of the resource it names (a Lambda
    function, a load balancer listener) when it is a reference."""
    return rd.rel(values, key)


def _stage_keys(rd: Reader, stage_id: str, values: dict[str, Any]) -> set[str]:
    """What other resources may call a stage by: its resource id and its name."""
    keys = {stage_id}
    name = rd.value(values, "stage_name")
    if isinstance(name, str):
        keys.add(name)
    return keys


def _refers_to_stage(rd: Reader, values: dict[str, Any], key: str, stage: set[str]) -> Any:
    """True/False whether values[key] names the stage, or an Unknown."""
    named = rd.rel(values, key, REST_STAGE)
    if isinstance(named, Unknown):
        return named
    return isinstance(named, str) and named in stage


def _unset(value: Any) -> Any:
    """The provider writes -1 for a throttling limit that is not set (a plan shows it):
    not set, as in HCL and in the live API's answer."""
    try:
        return None if value is not None and to_number(value) == -1 else value
    except (TypeError, ValueError):
        return value


def _throttle(rd: Reader, tb: Builder, key: str, settings: Any, rate: str, burst: str) -> None:
    """{rate_limit, burst_limit} from a settings block; null when neither is set."""
    if isinstance(settings, Unknown):
        tb.mark_unknown(key, settings.reason)
        return
    rate_value = _unset(rd.value(settings, rate))
    burst_value = _unset(rd.value(settings, burst))
    if rate_value is None and burst_value is None:
        tb.put(key, None)
        return
    th = tb.child(key)
    th.put("rate_limit", rate_value, to_number)
    th.put("burst_limit", burst_value, to_int)


def _rest_stage(ctx: Context, rd: Reader, sb: Builder, api_id: str, settings: list[Reader]) -> None:
    v = rd.values
    stage_id = rd.resource.id
    sb.put("stage_name", rd.value(v, "stage_name"), to_str)
    keys = _stage_keys(rd, stage_id, v)
    sb.put("throttle", None)
    sb.attrs["method_throttles"] = []
    for setting in sorted(settings, key=lambda s: s.resource.id):
        match = _refers_to_stage(setting, setting.values, "stage_name", keys)
        if isinstance(match, Unknown):
            sb.mark_unknown("throttle", f"{setting.resource.id}: {match.reason}")
            sb.mark_unknown("method_throttles", f"{setting.resource.id}: {match.reason}")
            continue
        if not match:
            continue
        path = setting.value(setting.values, "method_path")
        block = setting.block(setting.values, "settings")
        if path == "*/*":
            _throttle(
                setting, sb, "throttle", block, "throttling_rate_limit", "throttling_burst_limit"
            )
        elif isinstance(sb.attrs.get("method_throttles"), list):
            mt = sb.item("method_throttles")
            mt.put("path", path, to_str)
            _throttle(
                setting, mt, "throttle", block, "throttling_rate_limit", "throttling_burst_limit"
            )
    _usage_plans(ctx, sb, api_id, keys)
    _stage_web_acl(ctx, sb, stage_id)
    _access_log(rd, sb, v)


def _access_log(rd: Reader, sb: Builder, values: dict[str, Any]) -> None:
    log = rd.block(values, "access_log_settings")
    targets = (*LOG_GROUP, *FIREHOSE)
    dest = rd.rel(log, "destination_arn", targets)
    sb.put("access_log_destination", dest, to_str)


def _usage_plans(ctx: Context, sb: Builder, api_id: str, stage: set[str]) -> None:
    """The throttles of the usage plans naming the stage. Usage plans are few: they are
    looked through, not indexed."""
    sb.attrs["usage_plan_throttles"] = []
    for plan in sorted(ctx.by_type.get(USAGE_PLAN[0], []), key=lambda r: r.id):
        rd = Reader(ctx, plan)
        entries = rd.blocks(plan.values, "api_stages")
        if isinstance(entries, Unknown):
            sb.mark_unknown("usage_plan_throttles", f"{plan.id}: {entries.reason}")
            return
        for entry in entries:
            api = rd.rel(entry, "api_id", REST_API)
            if isinstance(api, str) and api != api_id:
                continue
            named = _refers_to_stage(rd, entry, "stage", stage)
            if isinstance(api, Unknown) or isinstance(named, Unknown):
                why = api.reason if isinstance(api, Unknown) else named.reason  # type: ignore[union-attr]
                sb.mark_unknown("usage_plan_throttles", f"{plan.id}: {why}")
                return
            if api is None or not named:
                continue
            throttle = rd.block(plan.values, "throttle_settings")
            if isinstance(throttle, Unknown):
                sb.mark_unknown("usage_plan_throttles", f"{plan.id}: {throttle.reason}")
                return
            if throttle is None:
                continue
            tb = sb.item("usage_plan_throttles")
            tb.put("rate_limit", _unset(rd.value(throttle, "rate_limit")), to_number)
            tb.put("burst_limit", _unset(rd.value(throttle, "burst_limit")), to_int)


def _stage_web_acl(ctx: Context, sb: Builder, stage_id: str) -> None:
    """The WAF web ACL an aws_wafv2_web_acl_association gives the stage."""
    sb.put("web_acl", None)
    for assoc in sorted(ctx.by_type.get(WEB_ACL_ASSOCIATION[0], []), key=lambda r: r.id):
        rd = Reader(ctx, assoc)
        target = rd.rel(assoc.values, "resource_arn", REST_STAGE)
        if target == stage_id:
            sb.put("web_acl", rd.rel(assoc.values, "web_acl_arn", WEB_ACL), to_str)


# ---------------------------------------------------------------------------------
# API Gateway HTTP APIs (v2): routes, integrations and stages folded into the API

_INTEGRATION_TARGET = re.compile(r"^integrations/(.+)$")


def build_http_api(rd: Reader, b: Builder) -> None:
    b.put("protocol_type", rd.value(rd.values, "protocol_type"), to_str)
    b.attrs["routes"] = []
    b.attrs["stages"] = []


def finish_http_api(ctx: Context, built: Built) -> None:
    """Routes (with the integration each targets) and stages, once every part is folded."""
    b = built.builder
    v = built.raw.values if built.raw else {}
    rd_api = Reader(ctx, built.raw) if built.raw else None
    if built.raw is not None and v.get("body") not in (None, ""):
        b.mark_unknown("routes", "defined by the OpenAPI document in `body`, which is not read")
    else:
        integrations = {r.resource.id: r for r in built.state.get("integration", [])}
        routes = sorted(
            built.state.get("route", []), key=lambda r: str(r.value(r.values, "route_key"))
        )
        if rd_api is not None and rd_api.raw(v, "target") is not None:
            _quick_create_route(rd_api, b.item("routes"))
            # Quick create also deploys a $default stage, without throttling.
            b.attrs["stages"].append(
                {
                    "stage_name": "$default",
                    "throttle": None,
                    "route_throttles": [],
                    "access_log_destination": None,
                }
            )
        for rd in routes:
            _http_route(rd, b.item("routes"), integrations)
    for rd in built.state.get("stage", []):
        _http_stage(rd, b.item("stages"))


def _quick_create_route(rd: Reader, rb: Builder) -> None:
    """An API written with `target` (quick create): one $default route, no auth."""
    v = rd.values
    rb.put("route_key", rd.value(v, "route_key"), to_str, "$default")
    rb.put("authorization_type", "NONE")
    rb.put("api_key_required", False)
    target = _uri(rd, v, "target")
    if isinstance(target, str):
        # A URL is proxied over HTTP; anything else is a Lambda function (ARN or id).
        kind = "HTTP_PROXY" if target.lower().startswith(("http://", "https://")) else "AWS_PROXY"
        rb.put("integration_type", kind)
    else:
        rb.put("integration_type", target)
    rb.put("integration_uri", target, to_str)


def _route_target(rd: Reader, values: dict[str, Any]) -> Any:
    """`integrations/<id>` → the integration's resource id (or an Unknown).

    A plan gives the target as a reference already. HCL keeps the text
    `integrations/${aws_apigatewayv2_integration.x.id}`, a fixed prefix and one
    reference, which the resolver (whole values only) gives up on: the reference part is
    resolved here."""
    raw = values.get("target")
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    if isinstance(raw, str):
        match = _INTEGRATION_TARGET.match(raw.strip())
        inner = match.group(1).strip() if match else ""
        if inner.startswith("${") and inner.endswith("}"):
            ref = rd.ctx.resolver.resolve(rd.resource, inner)
            return rd.to_rel(ref, HTTP_INTEGRATION) if isinstance(ref, Ref) else ref
    resolved = rd.raw(values, "target")
    if isinstance(resolved, Ref):
        return rd.to_rel(resolved, HTTP_INTEGRATION)
    if isinstance(resolved, str):
        match = _INTEGRATION_TARGET.match(resolved)
        return rd.ctx.literal_to_id(match.group(1) if match else resolved, HTTP_INTEGRATION)
    return computed_to_unknown(resolved)


def _http_route(rd: Reader, rb: Builder, integrations: dict[str, Reader]) -> None:
    v = rd.values
    rb.put("route_key", rd.value(v, "route_key"), to_str)
    rb.put("authorization_type", rd.value(v, "authorization_type"), to_str, "NONE")
    rb.put("api_key_required", rd.value(v, "api_key_required"), to_bool, False)
    target = _route_target(rd, v)
    found = integrations.get(target) if isinstance(target, str) else None
    if found is not None:
        rb.put("integration_type", found.value(found.values, "integration_type"), to_str)
        rb.put("integration_uri", _uri(found, found.values, "integration_uri"), to_str)
    elif isinstance(target, Unknown):
        rb.mark_unknown("integration_type", target.reason)
        rb.mark_unknown("integration_uri", target.reason)
    elif target is None:
        rb.put("integration_type", None)
        rb.put("integration_uri", None)
    else:
        why = f"integration {target} is not in this configuration"
        rb.mark_unknown("integration_type", why)
        rb.mark_unknown("integration_uri", why)


def _http_stage(rd: Reader, sb: Builder) -> None:
    v = rd.values
    sb.put("stage_name", rd.value(v, "name"), to_str)
    default = rd.block(v, "default_route_settings")
    _throttle(rd, sb, "throttle", default, "throttling_rate_limit", "throttling_burst_limit")
    routes = rd.blocks(v, "route_settings")
    if isinstance(routes, Unknown):
        sb.mark_unknown("route_throttles", routes.reason)
    else:
        sb.attrs["route_throttles"] = []
        for route in sorted(routes, key=lambda r: str(rd.value(r, "route_key"))):
            rt = sb.item("route_throttles")
            rt.put("route_key", rd.value(route, "route_key"), to_str)
            _throttle(rd, rt, "throttle", route, "throttling_rate_limit", "throttling_burst_limit")
    _access_log(rd, sb, v)


# ---------------------------------------------------------------------------------
# WAFv2 web ACL (+ aws_wafv2_web_acl_association)

_ACTIONS = ("allow", "block", "count", "captcha", "challenge")
_OVERRIDES = ("count", "none")


def build_web_acl(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("scope", rd.value(v, "scope"), lambda s: to_str(s).upper())
    if b.attrs.get("scope") == "CLOUDFRONT":
        # It protects distributions, which name it (aws_cloudfront_distribution.web_acl_id):
        # not read, so not claimed empty (as the live collector does).
        b.mark_unknown(
            "associated_resources",
            "CloudFront web ACL: the distributions it protects are not collected",
        )
    else:
        b.attrs["associated_resources"] = []
    if rd.raw(v, "rule_json") not in (None, ""):
        b.mark_unknown("rules", "written as rule_json, which is not read")
        return
    rules = rd.blocks(v, "rule")
    if isinstance(rules, Unknown):
        b.mark_unknown("rules", rules.reason)
        return
    b.attrs["rules"] = []
    for rule in sorted(rules, key=lambda r: _priority(rd, r)):
        _waf_rule(rd, b.item("rules"), rule)


def _priority(rd: Reader, rule: dict[str, Any]) -> int:
    try:
        return to_int(rd.value(rule, "priority"))
    except (TypeError, ValueError):
        return 1 << 30


def _waf_rule(rd: Reader, rb: Builder, rule: dict[str, Any]) -> None:
    rb.put("name", rd.value(rule, "name"), to_str)
    statement = rd.block(rule, "statement")
    rate = rd.block(statement, "rate_based_statement")
    if isinstance(rate, Unknown):
        rb.mark_unknown("rate_based", rate.reason)
        rb.mark_unknown("rate_limit", rate.reason)
    else:
        rb.put("rate_based", rate is not None)
        rb.put("rate_limit", rd.value(rate, "limit") if rate is not None else None, to_int)
    rb.put("action", _waf_action(rd, rule))


def _waf_action(rd: Reader, rule: dict[str, Any]) -> str | Unknown | None:
    """The action's name in lower case ("block", "count"), as the live collector gives it;
    for a rule group, its override ("none", "count")."""
    for key, names in (("action", _ACTIONS), ("override_action", _OVERRIDES)):
        block = rd.block(rule, key)
        if isinstance(block, Unknown):
            return block
        if block is None:
            continue
        for name in names:
            # HCL gives a written `block {}` as {} (or [{}]); a plan lists every action
            # with the unwritten ones as [].
            if name in block and block[name] is not None and block[name] != []:
                return name
    return None


def fold_web_acl_association(rd: Reader, parent: Built) -> None:
    target = rd.rel(rd.values, "resource_arn")
    b = parent.builder
    if isinstance(target, Unknown):
        b.mark_unknown("associated_resources", target.reason)
        return
    if "associated_resources" in b.unknown:
        return
    attached = b.attrs.setdefault("associated_resources", [])
    if isinstance(target, str) and target not in attached:
        attached.append(target)
        attached.sort()


# ---------------------------------------------------------------------------------


def _rest_part(tf_type: str, state_key: str) -> FoldSpec:
    return FoldSpec((tf_type,), REST_API, "rest_api_id", _collect(state_key), stub=False)


def _http_part(tf_type: str, state_key: str) -> FoldSpec:
    return FoldSpec((tf_type,), HTTP_API, "api_id", _collect(state_key), stub=False)


SPECS: list[KindSpec] = [
    KindSpec("aws_api_gateway_rest_api", REST_API, build_rest_api, finish_rest_api),
    KindSpec("aws_apigatewayv2_api", HTTP_API, build_http_api, finish_http_api),
    KindSpec("aws_wafv2_web_acl", WEB_ACL, build_web_acl),
]

FOLDS: list[FoldSpec] = [
    _rest_part("aws_api_gateway_method", "method"),
    _rest_part("aws_api_gateway_integration", "integration"),
    _rest_part("aws_api_gateway_stage", "stage"),
    _rest_part("aws_api_gateway_method_settings", "settings"),
    _http_part("aws_apigatewayv2_route", "route"),
    _http_part("aws_apigatewayv2_integration", "integration"),
    _http_part("aws_apigatewayv2_stage", "stage"),
    # An ACL outside the input still protects what it names: a partial ACL, its rules
    # unknown, so that the association is judged (error), not taken as absent.
    FoldSpec(WEB_ACL_ASSOCIATION, WEB_ACL, "web_acl_arn", fold_web_acl_association),
]

# Read through relations, never kinds of their own: an API resource's path, the usage
# plans of a stage.
HELPER_TYPES = (*REST_RESOURCE, *USAGE_PLAN)
