# METADATA
# title: Model-inference APIs require authentication
# description: |
#   API Gateway REST and HTTP APIs that serve model inference (lib/ai_aws.rego: a
#   method or route integrates an `inference_integration_markers` URI, SageMaker
#   runtime or Bedrock runtime by default, or the API carries an AI tag) authenticate
#   every inference method or route: an authorizer (AWS_IAM, CUSTOM/Lambda,
#   COGNITO_USER_POOLS, JWT) or a required API key.
#   Fails: a REST method or HTTP route that serves inference has authorization_type
#   NONE, or not set (the default is NONE), and api_key_required is not true. On an
#   AI-tagged API every method/route counts, except those answering with a MOCK
#   integration (CORS preflight OPTIONS methods).
#   Unknown: a method's authorization_type or api_key_required is unknown while it
#   would otherwise fail, or the integration of an unauthenticated method is unknown
#   (it might serve inference).
#   Limits: a Lambda integration counts only on an AI-tagged API or when its function
#   name matches a configured marker.
# custom:
#   id: ACC-01
#   severity: critical
#   domain: access
#   resource_kinds: [aws_api_gateway_rest_api, aws_apigatewayv2_api]
#   frameworks:
#     nist-sp-800-53-r5: [IA-2, IA-8, AC-3, AC-14]
#     iso-27001-2022: [A.5.15, A.8.5]
#     owasp-llm-2025: [LLM10:2025]
#     mitre-atlas: [AML.M0019]
#   remediation: >-
#     Require an authorizer on every inference method: Terraform
#     `aws_api_gateway_method.authorization = "AWS_IAM"` (or "CUSTOM" with
#     `authorizer_id`, or "COGNITO_USER_POOLS") and/or `api_key_required = true` with a
#     usage plan; for HTTP APIs `aws_apigatewayv2_route.authorization_type = "JWT"` (or
#     "AWS_IAM", "CUSTOM") with `authorizer_id` (API Gateway `UpdateMethod` /
#     `UpdateRoute`), then redeploy the stage.
package auditor.controls.acc_01

import rego.v1

_kinds := {
	"aws_api_gateway_rest_api": ["methods", "REST API"],
	"aws_apigatewayv2_api": ["routes", "HTTP API"],
}

_ids := {
	"aws_api_gateway_rest_api": data.auditor.lib.ai_aws.rest_api_ids,
	"aws_apigatewayv2_api": data.auditor.lib.ai_aws.http_api_ids,
}

applicable contains id if {
	some ids in _ids
	some id in ids
}

_entries(api, field) := data.auditor.lib.util.as_array(object.get(api.attributes, field, null))

_unauthenticated(entry) if {
	auth := object.get(entry, "authorization_type", null)
	_no_auth(auth)
	not entry.api_key_required == true
}

_no_auth(auth) if auth == null

_no_auth(auth) if data.auditor.lib.util.upper_str(auth) == "NONE"

_entry_name(entry) := sprintf("%v %v", [object.get(entry, "http_method", ""), object.get(entry, "path", "")]) if entry.path

_entry_name(entry) := sprintf("%v", [entry.route_key]) if not entry.path

_entry_unknown(api, field, i) := data.auditor.lib.util.unknown_paths(api, data.auditor.lib.util.path([field, i]))

deny contains data.auditor.lib.result.fail(api, msg, data.auditor.lib.util.path([field, i]), entry) if {
	some kind, ids in _ids
	[field, label] := _kinds[kind]
	some id in ids
	api := input.resources[kind][id]
	some i, entry in _entries(api, field)
	data.auditor.lib.ai_aws.inference_entry(api, entry)
	_unauthenticated(entry)
	count(_entry_unknown(api, field, i)) == 0
	msg := sprintf("%s %s serves model inference on %s (%v) without authentication: authorization %v and no API key required", [
		label, api.name, _entry_name(entry),
		object.get(entry, "integration_uri", null),
		object.get(entry, "authorization_type", "NONE"),
	])
}

unknown contains data.auditor.lib.result.unknown(api, path) if {
	some kind, ids in _ids
	[field, _] := _kinds[kind]
	some id in ids
	api := input.resources[kind][id]
	some path in data.auditor.lib.util.unknown_paths(api, field)
	count(split(path, ".")) <= 2
}

unknown contains data.auditor.lib.result.unknown(api, path) if {
	some kind, ids in _ids
	[field, _] := _kinds[kind]
	some id in ids
	api := input.resources[kind][id]
	some i, entry in _entries(api, field)
	data.auditor.lib.ai_aws.inference_entry(api, entry)
	_unauthenticated(entry)
	some path in _entry_unknown(api, field, i)
}

# An API not known to serve inference, with an unauthenticated method whose integration
# is unknown, might serve inference: it is judged and reported unknown.
_doubtful contains [kind, id, path] if {
	some kind, [field, _] in _kinds
	some id, api in input.resources[kind]
	not id in _ids[kind]
	some i, entry in _entries(api, field)
	_unauthenticated(entry)
	some path in data.auditor.lib.util.unknown_paths(api, data.auditor.lib.util.path([field, i, "integration_uri"]))
}

applicable contains id if some [_, id, _] in _doubtful

unknown contains data.auditor.lib.result.unknown(input.resources[kind][id], path) if some [kind, id, path] in _doubtful
