# METADATA
# title: Model-serving load balancers are not internet-facing
# description: |
#   Load balancers in front of AI services (a listener forwards to a target group with
#   an AI instance among its targets, or the load balancer or target group carries an
#   AI tag; lib/ai.rego) are internal: model serving is reached through private
#   networking, an API layer that authenticates, or a private link, never straight
#   from the internet.
#   AWS: an aws_lb in front of AI fails when its scheme is "internet-facing", or not
#   set (the ELBv2 API default is internet-facing; Terraform's `internal` defaults to
#   false). Unknown: the scheme is unknown.
#   Kubernetes: Services of type LoadBalancer selecting AI pods without an internal
#   load-balancer annotation (written by the Kubernetes part, below).
#   Limits: targets registered by IP address are not resolved to instances.
# custom:
#   id: PE-02
#   severity: high
#   domain: private_endpoints
#   resource_kinds: [aws_lb, aws_lb_listener, aws_lb_target_group, aws_instance, k8s_service, k8s_workload]
#   frameworks:
#     nist-sp-800-53-r5: [SC-7]
#     iso-27001-2022: [A.8.20, A.8.22]
#     mitre-atlas: [AML.M0019]
#   remediation: >-
#     AWS: make the load balancer internal (Terraform `aws_lb.internal = true`; ELBv2
#     `CreateLoadBalancer --scheme internal`; the scheme cannot be changed in place,
#     recreate it) and publish the model through an authenticated API (API Gateway with
#     a VPC link) or AWS PrivateLink. Kubernetes: annotate the Service
#     `service.beta.kubernetes.io/aws-load-balancer-scheme: internal` (AWS Load
#     Balancer Controller), `service.beta.kubernetes.io/aws-load-balancer-internal:
#     "true"` (in-tree), `networking.gke.io/load-balancer-type: Internal` (GKE) or
#     `service.beta.kubernetes.io/azure-load-balancer-internal: "true"` (AKS), or use
#     type ClusterIP behind an authenticated ingress.
package auditor.controls.pe_02

import rego.v1

# ==== AWS part ================================================================================

applicable contains id if some id in data.auditor.lib.ai.load_balancer_ids

_lb(id) := input.resources.aws_lb[id]

deny contains data.auditor.lib.result.fail(lb, msg, "scheme", scheme) if {
	some id in data.auditor.lib.ai.load_balancer_ids
	lb := _lb(id)
	not data.auditor.lib.util.is_unknown(lb, "scheme")
	scheme := object.get(lb.attributes, "scheme", null)
	_internet_facing(scheme)
	msg := sprintf("load balancer %s is in front of AI services and is internet-facing (%s)", [lb.name, _scheme_text(scheme)])
}

_internet_facing(scheme) if data.auditor.lib.util.lower_str(scheme) == "internet-facing"

_internet_facing(scheme) if scheme == null

_scheme_text(null) := "scheme not set: the default is internet-facing"

_scheme_text(scheme) := sprintf("scheme %s", [scheme]) if scheme != null

unknown contains data.auditor.lib.result.unknown(lb, path) if {
	some id in data.auditor.lib.ai.load_balancer_ids
	lb := _lb(id)
	some path in data.auditor.lib.util.unknown_paths(lb, "scheme")
}

# ==== Kubernetes part =========================================================================
# Owned by the Kubernetes controls: Services of type LoadBalancer selecting AI pods
# without an internal annotation. Add `applicable`, `deny` and `unknown` rules for
# k8s_service here (the AWS rules above only read aws_* kinds), and their tests in the
# "Kubernetes part" section of pe_02_model_serving_not_internet_facing_test.rego.

_k8s_lb_ids contains id if {
	some id in data.auditor.lib.k8s.ai_service_ids
	input.resources.k8s_service[id].attributes.type == "LoadBalancer"
}

applicable contains id if some id in _k8s_lb_ids

# _k8s_internal(annotations): an annotation of k8s_internal_lb_annotations with an
# accepted value ("*": any value but "false").
_k8s_internal(annotations) if {
	some key, accepted in data.auditor.config.k8s_internal_lb_annotations
	value := lower(trim_space(annotations[key]))
	_k8s_accepts(accepted, value)
}

_k8s_accepts(accepted, value) if value in accepted

_k8s_accepts(accepted, value) if {
	"*" in accepted
	value != "false"
}

deny contains data.auditor.lib.result.fail(svc, msg, "annotations", annotations) if {
	some id in _k8s_lb_ids
	svc := input.resources.k8s_service[id]
	not data.auditor.lib.util.is_unknown(svc, "annotations")
	annotations := data.auditor.lib.util.as_object(svc.attributes.annotations)
	not _k8s_internal(annotations)
	pods := data.auditor.lib.util.describe(data.auditor.lib.k8s.service_ai_workloads(svc))
	msg := sprintf("Service %s/%s is an internet-facing LoadBalancer (no internal load-balancer annotation) in front of AI workloads %s", [svc.attributes.namespace, svc.attributes.name, pods])
}

unknown contains data.auditor.lib.result.unknown(svc, path) if {
	some id in _k8s_lb_ids
	svc := input.resources.k8s_service[id]
	some path in data.auditor.lib.util.unknown_paths(svc, "annotations")
}
