# METADATA
# title: Network rule helpers
# description: |
#   CIDR and port questions asked of AWS security group rules and GCP firewall rules,
#   null-safe. A world CIDR is any prefix of length 0 (0.0.0.0/0, ::/0). A rule covers
#   a port when its protocol is all (-1/all), or TCP/UDP with the port inside its
#   range (AWS from_port..to_port; GCP "22" or "8000-9000"; a GCP rule without ports
#   covers every port).
package auditor.lib.net

import rego.v1

# --- CIDRs -------------------------------------------------------------------------

# is_world_cidr(c): the CIDR admits every address ("0.0.0.0/0", "::/0", any "x/0").
is_world_cidr(c) if {
	is_string(c)
	endswith(trim_space(c), "/0")
}

# --- AWS security group rules --------------------------------------------------------

# sg_rule_world_cidrs(rule): the world CIDRs among the rule's IPv4 and IPv6 sources.
sg_rule_world_cidrs(rule) := {c |
	some field in ["cidr_blocks", "ipv6_cidr_blocks"]
	cidrs := rule[field]
	is_array(cidrs)
	some c in cidrs
	is_string(c)
	endswith(trim_space(c), "/0")
}

_all_protocols := {"-1", "all"}

_port_protocols := {"tcp", "udp", "6", "17"}

sg_rule_all_protocols(rule) if _protocol(rule.protocol) in _all_protocols

# _protocol(p): a protocol name or number as a lower-case string.
_protocol(p) := lower(trim_space(p)) if is_string(p)

_protocol(p) := sprintf("%d", [p]) if is_number(p)

# sg_rule_port_range(rule): [first, last] port the rule admits over TCP/UDP; [0, 65535]
# for all protocols; undefined for other protocols (ICMP...) or unset ports. Computed
# once per rule, then compared with each port.
sg_rule_port_range(rule) := [0, 65535] if sg_rule_all_protocols(rule)

sg_rule_port_range(rule) := [rule.from_port, rule.to_port] if {
	_protocol(rule.protocol) in _port_protocols
	is_number(rule.from_port)
	is_number(rule.to_port)
}

# sg_rule_covers_port(rule, port): traffic to `port` (TCP or UDP) is admitted by the rule.
sg_rule_covers_port(rule, port) if {
	[first, last] := sg_rule_port_range(rule)
	first <= port
	port <= last
}

# sg_rule_is_tcp_port(rule, port): the rule admits exactly one TCP port, `port`.
sg_rule_is_tcp_port(rule, port) if {
	_protocol(rule.protocol) in {"tcp", "6"}
	rule.from_port == port
	rule.to_port == port
}

# describe_sg_rule(rule): "tcp 22", "tcp 0-65535", "all traffic" for messages.
describe_sg_rule(rule) := "all traffic" if sg_rule_all_protocols(rule)

describe_sg_rule(rule) := sprintf("%s %v", [_protocol(rule.protocol), from]) if {
	not sg_rule_all_protocols(rule)
	from := object.get(data.auditor.lib.util.as_object(rule), "from_port", null)
	from == object.get(data.auditor.lib.util.as_object(rule), "to_port", null)
}

describe_sg_rule(rule) := sprintf("%s %v-%v", [_protocol(rule.protocol), from, to]) if {
	not sg_rule_all_protocols(rule)
	from := object.get(data.auditor.lib.util.as_object(rule), "from_port", null)
	to := object.get(data.auditor.lib.util.as_object(rule), "to_port", null)
	from != to
}

describe_sg_rule(rule) := sprintf("protocol %v", [object.get(data.auditor.lib.util.as_object(rule), "protocol", null)]) if {
	not sg_rule_all_protocols(rule)
	not _protocol(rule.protocol)
}

_rule_source_fields := {"cidr_blocks", "ipv6_cidr_blocks"}

_rule_port_fields := {"protocol", "from_port", "to_port"}

# sg_ingress_unknown_paths(r): the unknown entries that leave open whether the group
# admits the world: the ingress list or a rule as a whole, a rule's sources, or the
# protocol/ports of a rule whose sources are known to include the world.
sg_ingress_unknown_paths(r) := set() if r.unknown == {}

sg_ingress_unknown_paths(r) := {p |
	r.unknown != {}
	some p, _ in data.auditor.lib.util.as_object(r.unknown)
	_ingress_deciding(r, split(p, "."))
}

_ingress_deciding(_, parts) if {
	parts[0] == "ingress"
	count(parts) <= 2
}

_ingress_deciding(_, parts) if {
	parts[0] == "ingress"
	parts[2] in _rule_source_fields
}

_ingress_deciding(r, parts) if {
	parts[0] == "ingress"
	parts[2] in _rule_port_fields
	regex.match(`^[0-9]+$`, parts[1])
	rule := data.auditor.lib.util.as_array(r.attributes.ingress)[to_number(parts[1])]
	count(sg_rule_world_cidrs(rule)) > 0
}

# --- GCP firewall rules -----------------------------------------------------------------

# gcp_ingress_allow(fw): an enabled INGRESS rule that allows something.
gcp_ingress_allow(fw) if {
	not data.auditor.lib.util.upper_str(fw.attributes.direction) == "EGRESS"
	not fw.attributes.disabled == true
	count(data.auditor.lib.util.as_array(fw.attributes.allowed)) > 0
}

# gcp_world_sources(fw): the world CIDRs among the rule's sources. An INGRESS rule that
# names neither source ranges nor source tags gets 0.0.0.0/0 from GCP.
gcp_world_sources(fw) := sources if {
	not _gcp_no_source(fw)
	sources := {c | some c in data.auditor.lib.util.as_array(fw.attributes.source_ranges); is_world_cidr(c)}
}

gcp_world_sources(fw) := {"0.0.0.0/0 (no source given: the GCP default)"} if _gcp_no_source(fw)

_gcp_no_source(fw) if {
	count(data.auditor.lib.util.as_array(fw.attributes.source_ranges)) == 0
	count(data.auditor.lib.util.as_array(fw.attributes.source_tags)) == 0
	not data.auditor.lib.util.is_unknown(fw, "source_ranges")
	not data.auditor.lib.util.is_unknown(fw, "source_tags")
}

# gcp_port_ranges(entry): the [first, last] port ranges an `allowed` entry admits:
# [[0, 65535]] for all protocols, or TCP/UDP without ports; one range a port spec
# otherwise (specs that are no port or range are ignored); empty for other protocols.
# Parsed once per entry, then compared with each port.
gcp_port_ranges(entry) := [[0, 65535]] if _protocol(entry.protocol) in _all_protocols

gcp_port_ranges(entry) := [[0, 65535]] if {
	_protocol(entry.protocol) in _port_protocols
	count(data.auditor.lib.util.as_array(entry.ports)) == 0
}

gcp_port_ranges(entry) := ranges if {
	_protocol(entry.protocol) in _port_protocols
	specs := data.auditor.lib.util.as_array(entry.ports)
	count(specs) > 0
	ranges := [r | some spec in specs; r := _spec_range(spec)]
}

# gcp_allowed_covers_port(entry, port): an `allowed` entry admits `port`.
gcp_allowed_covers_port(entry, port) if {
	some [first, last] in gcp_port_ranges(entry)
	first <= port
	port <= last
}

# _spec_range(spec): "22" or "8000-9000" (or a number) as [first, last].
_spec_range(spec) := [spec, spec] if is_number(spec)

_spec_range(spec) := [n, n] if {
	is_string(spec)
	regex.match(`^\s*[0-9]+\s*$`, spec)
	n := to_number(trim_space(spec))
}

_spec_range(spec) := [to_number(trim_space(bounds[0])), to_number(trim_space(bounds[1]))] if {
	is_string(spec)
	regex.match(`^\s*[0-9]+\s*-\s*[0-9]+\s*$`, spec)
	bounds := split(spec, "-")
}

# describe_gcp_allowed(entry): "tcp:22,8000-9000", "tcp (all ports)", "all".
describe_gcp_allowed(entry) := "all protocols" if _protocol(entry.protocol) in _all_protocols

describe_gcp_allowed(entry) := sprintf("%s (all ports)", [_protocol(entry.protocol)]) if {
	not _protocol(entry.protocol) in _all_protocols
	count(data.auditor.lib.util.as_array(entry.ports)) == 0
}

describe_gcp_allowed(entry) := sprintf("%s:%s", [_protocol(entry.protocol), concat(",", ports)]) if {
	not _protocol(entry.protocol) in _all_protocols
	ports := [sprintf("%v", [p]) | some p in data.auditor.lib.util.as_array(entry.ports)]
	count(ports) > 0
}

describe_gcp_allowed(entry) := sprintf("protocol %v", [object.get(data.auditor.lib.util.as_object(entry), "protocol", null)]) if {
	not _protocol(entry.protocol)
}

_gcp_source_fields := {"source_ranges", "source_tags"}

_gcp_rule_fields := {"direction", "disabled", "allowed"}

# gcp_ingress_unknown_paths(fw): the unknown entries that leave open whether the rule
# admits the world: its sources, or the direction, state and allowed protocols/ports of
# a rule whose sources are known to include the world.
gcp_ingress_unknown_paths(fw) := set() if fw.unknown == {}

gcp_ingress_unknown_paths(fw) := {p |
	fw.unknown != {}
	some p, _ in data.auditor.lib.util.as_object(fw.unknown)
	_gcp_deciding(fw, split(p, ".")[0])
}

_gcp_deciding(_, field) if field in _gcp_source_fields

_gcp_deciding(fw, field) if {
	field in _gcp_rule_fields
	count(gcp_world_sources(fw)) > 0
}
