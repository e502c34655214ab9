# METADATA
# title: Admin ports never open to the internet
# description: |
#   No security group or firewall rule, AI or not, admits 0.0.0.0/0 or ::/0 (any /0
#   prefix) to an administrative port (`admin_ports`: SSH 22, RDP 3389, Docker
#   2375/2376, Kubernetes API 6443, kubelet 10250, Jupyter 8888 by default).
#   A rule covers a port when its protocol is all (-1 / "all"), or TCP/UDP with the
#   port inside its range (AWS from_port..to_port; GCP "22", "8000-9000", or no ports
#   at all). A GCP INGRESS rule without source ranges nor source tags gets 0.0.0.0/0.
#   Every AWS security group and every GCP firewall rule is judged; egress, deny and
#   disabled GCP rules pass.
#   Unknown: the sources of an ingress rule, or the protocol/ports of a world-open
#   rule, are unknown.
#   Limits: each GCP allow rule is judged alone (a higher-priority deny rule is not
#   credited).
# custom:
#   id: NET-02
#   severity: high
#   domain: network
#   resource_kinds: [aws_security_group, google_compute_firewall]
#   frameworks:
#     nist-sp-800-53-r5: [SC-7, AC-17]
#     iso-27001-2022: [A.8.20]
#   remediation: >-
#     Remove 0.0.0.0/0 and ::/0 from rules that reach administrative ports (Terraform
#     `aws_security_group` `ingress.cidr_blocks` / `ipv6_cidr_blocks`,
#     `aws_vpc_security_group_ingress_rule.cidr_ipv4` / `cidr_ipv6`; GCP
#     `google_compute_firewall.source_ranges`), and narrow port ranges and protocol -1
#     rules that include them. Reach hosts through AWS Systems Manager Session Manager,
#     GCP IAP TCP forwarding (source 35.235.240.0/20) or a VPN/bastion range.
package auditor.controls.net_02

import rego.v1

_port_list(ports) := concat(", ", [sprintf("%v", [p]) | some p in sort(ports)])

# --- AWS security groups ---------------------------------------------------------------

applicable contains id if some id, _ in input.resources.aws_security_group

deny contains data.auditor.lib.result.fail(group, msg, data.auditor.lib.util.path(["ingress", i]), rule) if {
	some group in input.resources.aws_security_group
	ingress := group.attributes.ingress
	is_array(ingress)
	some i, rule in ingress
	cidrs := data.auditor.lib.net.sg_rule_world_cidrs(rule)
	count(cidrs) > 0
	[first, last] := data.auditor.lib.net.sg_rule_port_range(rule)
	ports := [port |
		some port in data.auditor.config.admin_ports
		first <= port
		port <= last
	]
	count(ports) > 0
	msg := sprintf("ingress rule %d admits %s to admin port %s (%s)", [
		i,
		concat(", ", cidrs),
		_port_list(ports),
		data.auditor.lib.net.describe_sg_rule(rule),
	])
}

unknown contains data.auditor.lib.result.unknown(group, path) if {
	some group in input.resources.aws_security_group
	some path in data.auditor.lib.net.sg_ingress_unknown_paths(group)
}

# --- GCP firewall rules ------------------------------------------------------------------

applicable contains id if some id, _ in input.resources.google_compute_firewall

deny contains data.auditor.lib.result.fail(fw, msg, data.auditor.lib.util.path(["allowed", i]), entry) if {
	some fw in input.resources.google_compute_firewall
	data.auditor.lib.net.gcp_ingress_allow(fw)
	sources := data.auditor.lib.net.gcp_world_sources(fw)
	count(sources) > 0
	some i, entry in fw.attributes.allowed
	ranges := data.auditor.lib.net.gcp_port_ranges(entry)
	ports := {port |
		some port in data.auditor.config.admin_ports
		some [first, last] in ranges
		first <= port
		port <= last
	}
	count(ports) > 0
	msg := sprintf("firewall rule admits %s to admin port %s (%s)", [
		concat(", ", sources),
		_port_list(ports),
		data.auditor.lib.net.describe_gcp_allowed(entry),
	])
}

unknown contains data.auditor.lib.result.unknown(fw, path) if {
	some fw in input.resources.google_compute_firewall
	some path in data.auditor.lib.net.gcp_ingress_unknown_paths(fw)
}
