# METADATA
# title: No internet ingress to AI compute
# description: |
#   Security groups and firewall rules in front of GPU/accelerator compute must not admit
#   0.0.0.0/0 or ::/0 (any /0 prefix), except HTTPS on a load balancer.
#   Judged: AWS security groups attached to AI instances or to SageMaker models'
#   vpc_config, AWS security groups of load balancers in front of AI services (a
#   listener forwards to a target group with an AI instance), and GCP INGRESS allow
#   rules that apply to AI instances. The result names the security group or firewall
#   rule (what must change) and the message names the AI compute it exposes.
#   The load-balancer exception: a world-open ingress rule passes only when it is TCP
#   with from_port = to_port = a port of `public_lb_ports` (default 443), and the
#   group is attached to a load balancer in front of AI and to no instance and no
#   SageMaker model of the snapshot. A group shared by the load balancer and an
#   instance exposes the instance itself, so it gets no exception; other ports (80 for
#   an HTTP->HTTPS redirect, say) need `public_lb_ports`. GCP firewall rules get no
#   exception: Google's proxy load balancers reach backends from Google's own ranges,
#   so a world source range on a rule targeting AI VMs always exposes the VMs.
#   The reachability of the target (public subnet, internal scheme) is not considered:
#   a world-open rule is one route change away from exposure.
#   Unknown: the ingress rules' sources (or the ports of a world-open rule) are unknown;
#   an AI instance's security groups are unknown, absent from the snapshot or not given
#   (the VPC default group applies); a world-open group or rule protects only instances
#   whose AI classification is unknown.
#   Limits: each GCP allow rule is judged alone (a higher-priority deny rule is not
#   credited); a firewall rule whose network or targets are unknown is not judged.
# custom:
#   id: NET-01
#   severity: high
#   domain: network
#   resource_kinds: [aws_security_group, aws_instance, aws_sagemaker_model, aws_lb,
#     aws_lb_listener, aws_lb_target_group, google_compute_firewall, google_compute_instance]
#   frameworks:
#     nist-sp-800-53-r5: [SC-7]
#     iso-27001-2022: [A.8.20, A.8.22]
#     mitre-atlas: [AML.M0019]
#   remediation: >-
#     Remove 0.0.0.0/0 and ::/0 from the ingress rules protecting AI compute (Terraform
#     `ingress.cidr_blocks` / `ipv6_cidr_blocks` of `aws_security_group`, or
#     `aws_vpc_security_group_ingress_rule.cidr_ipv4` / `cidr_ipv6`; GCP
#     `google_compute_firewall.source_ranges`) and admit only the load balancer's
#     security group (`source_security_group_id`) or known private ranges. Publish the
#     service through a load balancer whose own security group opens only TCP 443.
package auditor.controls.net_01

import rego.v1

# --- AWS security groups ---------------------------------------------------------------

# The security groups judged: those protecting AI compute (or unresolved instances) and
# those of load balancers in front of AI services.
_groups contains sg_id if some sg_id, _ in data.auditor.lib.ai.sg_ai_compute

_groups contains sg_id if some sg_id, _ in data.auditor.lib.ai.sg_ai_load_balancers

_groups contains sg_id if some sg_id, _ in data.auditor.lib.ai.sg_unresolved_compute

_definite(sg_id) if data.auditor.lib.ai.sg_ai_compute[sg_id]

_definite(sg_id) if data.auditor.lib.ai.sg_ai_load_balancers[sg_id]

applicable contains sg_id if {
	some sg_id in _groups
	input.resources.aws_security_group[sg_id]
}

# _lb_exception(sg_id, rule): a public load-balancer port on a group attached only to
# load balancers.
_lb_exception(sg_id, rule) if {
	data.auditor.lib.ai.sg_ai_load_balancers[sg_id]
	not sg_id in data.auditor.lib.ai.sg_compute_attached
	some port in data.auditor.config.public_lb_ports
	data.auditor.lib.net.sg_rule_is_tcp_port(rule, port)
}

# One finding per world-open ingress rule of a judged group.
_sg_findings contains finding if {
	some sg_id in _groups
	group := input.resources.aws_security_group[sg_id]
	some i, rule in data.auditor.lib.util.as_array(group.attributes.ingress)
	cidrs := data.auditor.lib.net.sg_rule_world_cidrs(rule)
	count(cidrs) > 0
	not _lb_exception(sg_id, rule)
	finding := {"sg": sg_id, "index": i, "rule": rule, "cidrs": cidrs}
}

_finding_text(finding) := sprintf("ingress rule %d admits %s (%s)", [
	finding.index,
	concat(", ", finding.cidrs),
	data.auditor.lib.net.describe_sg_rule(finding.rule),
])

_protects(sg_id) := sprintf("AI compute %s", [data.auditor.lib.util.describe(data.auditor.lib.ai.sg_ai_compute[sg_id])])

_protects(sg_id) := text if {
	not data.auditor.lib.ai.sg_ai_compute[sg_id]
	lbs := data.auditor.lib.util.describe(data.auditor.lib.ai.sg_ai_load_balancers[sg_id])
	ports := concat("/", [sprintf("%v", [p]) | some p in data.auditor.config.public_lb_ports])
	text := sprintf(
		"load balancer %s in front of AI services (only TCP %s may be open to the internet, on a group attached to load balancers alone)",
		[lbs, ports],
	)
}

deny contains data.auditor.lib.result.fail(group, msg, data.auditor.lib.util.path(["ingress", finding.index]), finding.rule) if {
	some finding in _sg_findings
	_definite(finding.sg)
	group := input.resources.aws_security_group[finding.sg]
	msg := sprintf("%s to %s", [_finding_text(finding), _protects(finding.sg)])
}

unknown contains data.auditor.lib.result.unknown(group, path) if {
	some sg_id in _groups
	group := input.resources.aws_security_group[sg_id]
	some path in data.auditor.lib.net.sg_ingress_unknown_paths(group)
}

unknown contains data.auditor.lib.result.unknown_because(group, data.auditor.lib.util.path(["ingress", finding.index]), why) if {
	some finding in _sg_findings
	not _definite(finding.sg)
	group := input.resources.aws_security_group[finding.sg]
	instances := data.auditor.lib.ai.sg_unresolved_compute[finding.sg]
	why := sprintf("%s to %s; %s", [
		_finding_text(finding),
		data.auditor.lib.util.describe(instances),
		concat("; ", [data.auditor.lib.ai.unresolved_reason(id) | some id in instances]),
	])
}

# --- AI compute whose security groups cannot be judged -----------------------------------

_compute(id) := input.resources.aws_instance[id]

_compute(id) := input.resources.aws_sagemaker_model[id]

# Groups named by AI compute but absent from the snapshot.
_missing_group contains [id, sg_id] if {
	some sg_id, ids in data.auditor.lib.ai.sg_ai_compute
	not input.resources.aws_security_group[sg_id]
	some id in ids
}

_unjudged contains id if some [id, _] in _missing_group

_unjudged contains id if {
	some id in data.auditor.lib.ai.aws_instance_ids
	data.auditor.lib.util.is_unknown(input.resources.aws_instance[id], "security_groups")
}

_unjudged contains id if {
	some id in data.auditor.lib.ai.aws_instance_ids
	r := input.resources.aws_instance[id]
	not data.auditor.lib.util.is_unknown(r, "security_groups")
	count(data.auditor.lib.util.as_array(r.attributes.security_groups)) == 0
}

applicable contains id if some id in _unjudged

unknown contains data.auditor.lib.result.unknown_because(r, "security_groups", why) if {
	some [id, sg_id] in _missing_group
	r := _compute(id)
	why := sprintf("security group %s is not in the snapshot: cannot tell whether it admits the internet", [sg_id])
}

unknown contains data.auditor.lib.result.unknown(r, path) if {
	some id in data.auditor.lib.ai.aws_instance_ids
	r := input.resources.aws_instance[id]
	some path in data.auditor.lib.util.unknown_paths(r, "security_groups")
}

unknown contains data.auditor.lib.result.unknown_because(r, "security_groups", why) if {
	some id in data.auditor.lib.ai.aws_instance_ids
	r := input.resources.aws_instance[id]
	not data.auditor.lib.util.is_unknown(r, "security_groups")
	count(data.auditor.lib.util.as_array(r.attributes.security_groups)) == 0
	why := "no security group given: the VPC's default security group applies and is not in the snapshot"
}

# --- GCP firewall rules ------------------------------------------------------------------

_firewalls contains fw_id if some fw_id, _ in data.auditor.lib.ai.firewall_ai_targets

_firewalls contains fw_id if some fw_id, _ in data.auditor.lib.ai.firewall_unresolved_targets

applicable contains fw_id if some fw_id in _firewalls

_fw_findings contains finding if {
	some fw_id in _firewalls
	fw := input.resources.google_compute_firewall[fw_id]
	data.auditor.lib.net.gcp_ingress_allow(fw)
	sources := data.auditor.lib.net.gcp_world_sources(fw)
	count(sources) > 0
	allowed := [data.auditor.lib.net.describe_gcp_allowed(entry) | some entry in fw.attributes.allowed]
	finding := {"fw": fw_id, "sources": sources, "allowed": concat(", ", allowed)}
}

deny contains data.auditor.lib.result.fail(fw, msg, "source_ranges", sort(finding.sources)) if {
	some finding in _fw_findings
	targets := data.auditor.lib.ai.firewall_ai_targets[finding.fw]
	fw := input.resources.google_compute_firewall[finding.fw]
	msg := sprintf("firewall rule admits %s (%s) to AI instance %s", [
		concat(", ", finding.sources),
		finding.allowed,
		data.auditor.lib.util.describe(targets),
	])
}

unknown contains data.auditor.lib.result.unknown(fw, path) if {
	some fw_id in _firewalls
	fw := input.resources.google_compute_firewall[fw_id]
	some path in data.auditor.lib.net.gcp_ingress_unknown_paths(fw)
}

unknown contains data.auditor.lib.result.unknown_because(fw, "source_ranges", why) if {
	some finding in _fw_findings
	not data.auditor.lib.ai.firewall_ai_targets[finding.fw]
	instances := data.auditor.lib.ai.firewall_unresolved_targets[finding.fw]
	fw := input.resources.google_compute_firewall[finding.fw]
	why := sprintf("firewall rule admits %s (%s) to %s; %s", [
		concat(", ", finding.sources),
		finding.allowed,
		data.auditor.lib.util.describe(instances),
		concat("; ", [data.auditor.lib.ai.unresolved_reason(id) | some id in instances]),
	])
}
