# METADATA
# title: Listeners in front of AI services use HTTPS/TLS with a TLS 1.2+ policy
# description: |
#   Every listener of a load balancer in front of an AI service (a listener of it
#   forwards to a target group with an AI instance, or it carries an AI tag) terminates
#   TLS with a policy refusing TLS versions below 1.2:
#   - HTTPS and TLS listeners pass with an ssl_policy accepted by lib/tls.rego
#     (`elb_tls_policies`, or by name: ELBSecurityPolicy-TLS13-1-2-*, -TLS13-1-3-*,
#     -TLS-1-2-*, -FS-1-2-*). Without an ssl_policy they fail: the API, CloudFormation
#     and Terraform then apply ELBSecurityPolicy-2016-08, which admits TLS 1.0.
#   - HTTP listeners pass only when every action (default and rule actions) is a
#     redirect to HTTPS.
#   - Any other protocol (TCP, UDP, TCP_UDP, or none given) fails: the traffic to the
#     AI service is not encrypted by the load balancer. GENEVE (gateway load
#     balancers) listeners are not judged: they tunnel traffic to appliances and
#     terminate nothing.
#   Unknown: the protocol is unknown; an HTTPS/TLS listener's ssl_policy is unknown; an
#   HTTP listener's actions (their type or redirect protocol) are unknown.
#   Limits: targets registered by IP address are not resolved to instances.
# custom:
#   id: TLS-01
#   severity: high
#   domain: tls
#   resource_kinds: [aws_lb_listener, aws_lb, aws_lb_target_group, aws_instance]
#   frameworks:
#     nist-sp-800-53-r5: [SC-8, SC-13]
#     iso-27001-2022: [A.8.24]
#   remediation: >-
#     Serve AI endpoints over HTTPS (ALB) or TLS (NLB) listeners with a TLS 1.2+ policy:
#     Terraform `aws_lb_listener.protocol = "HTTPS"` and `ssl_policy =
#     "ELBSecurityPolicy-TLS13-1-2-2021-06"` with a `certificate_arn` (ELBv2 API
#     `CreateListener/ModifyListener --ssl-policy`); keep port 80 only as a
#     `default_action { type = "redirect" redirect { protocol = "HTTPS" } }`.
package auditor.controls.tls_01

import rego.v1

_protocol(l) := upper(l.attributes.protocol) if is_string(l.attributes.protocol)

_judged contains id if {
	some id, l in input.resources.aws_lb_listener
	l.attributes.load_balancer in data.auditor.lib.ai.load_balancer_ids
	not _protocol(l) == "GENEVE"
}

applicable contains id if some id in _judged

_front(l) := sprintf("listener %v/%v of load balancer %s (in front of AI services)", [
	object.get(l.attributes, "protocol", null),
	object.get(l.attributes, "port", null),
	l.attributes.load_balancer,
])

# --- HTTPS / TLS listeners ----------------------------------------------------------------

deny contains data.auditor.lib.result.fail(l, msg, "ssl_policy", policy) if {
	some id in _judged
	l := input.resources.aws_lb_listener[id]
	_protocol(l) in data.auditor.lib.tls.tls_protocols
	policy := l.attributes.ssl_policy
	is_string(policy)
	not data.auditor.lib.tls.elb_policy_tls12(policy)
	msg := sprintf("%s uses SSL policy %s, which admits TLS versions below 1.2", [_front(l), policy])
}

deny contains data.auditor.lib.result.fail(l, msg, "ssl_policy", null) if {
	some id in _judged
	l := input.resources.aws_lb_listener[id]
	_protocol(l) in data.auditor.lib.tls.tls_protocols
	not data.auditor.lib.util.is_unknown(l, "ssl_policy")
	not is_string(l.attributes.ssl_policy)
	msg := sprintf("%s has no ssl_policy: the default %s admits TLS 1.0", [_front(l), data.auditor.lib.tls.elb_default_policy])
}

unknown contains data.auditor.lib.result.unknown(l, path) if {
	some id in _judged
	l := input.resources.aws_lb_listener[id]
	_protocol(l) in data.auditor.lib.tls.tls_protocols
	some path in data.auditor.lib.util.unknown_paths(l, "ssl_policy")
}

# --- HTTP listeners ------------------------------------------------------------------------

_https_redirect(action) if {
	data.auditor.lib.util.lower_str(action.type) == "redirect"
	data.auditor.lib.util.upper_str(action.redirect_protocol) == "HTTPS"
}

_action_unknown(l, i) if data.auditor.lib.util.is_unknown(l, data.auditor.lib.util.path(["actions", i]))

deny contains data.auditor.lib.result.fail(l, msg, data.auditor.lib.util.path(["actions", i]), action) if {
	some id in _judged
	l := input.resources.aws_lb_listener[id]
	_protocol(l) == "HTTP"
	some i, action in data.auditor.lib.util.as_array(l.attributes.actions)
	not _action_unknown(l, i)
	not _https_redirect(action)
	msg := sprintf("%s serves plain HTTP: action %d is %v, not a redirect to HTTPS", [_front(l), i, object.get(data.auditor.lib.util.as_object(action), "type", null)])
}

deny contains data.auditor.lib.result.fail(l, msg, "actions", []) if {
	some id in _judged
	l := input.resources.aws_lb_listener[id]
	_protocol(l) == "HTTP"
	not data.auditor.lib.util.is_unknown(l, "actions")
	count(data.auditor.lib.util.as_array(l.attributes.actions)) == 0
	msg := sprintf("%s serves plain HTTP and has no redirect to HTTPS", [_front(l)])
}

unknown contains data.auditor.lib.result.unknown(l, path) if {
	some id in _judged
	l := input.resources.aws_lb_listener[id]
	_protocol(l) == "HTTP"
	some path in data.auditor.lib.util.unknown_paths(l, "actions")
}

# --- other protocols -------------------------------------------------------------------------

deny contains data.auditor.lib.result.fail(l, msg, "protocol", object.get(l.attributes, "protocol", null)) if {
	some id in _judged
	l := input.resources.aws_lb_listener[id]
	not data.auditor.lib.util.is_unknown(l, "protocol")
	not _protocol(l) in (data.auditor.lib.tls.tls_protocols | {"HTTP"})
	msg := sprintf("%s does not terminate TLS (use HTTPS or TLS)", [_front(l)])
}

unknown contains data.auditor.lib.result.unknown(l, path) if {
	some id in _judged
	l := input.resources.aws_lb_listener[id]
	some path in data.auditor.lib.util.unknown_paths(l, "protocol")
}
