package auditor.lib.net_test

import rego.v1


test_world_cidrs if {
	data.auditor.lib.net.is_world_cidr("0.0.0.0/0")
	data.auditor.lib.net.is_world_cidr("::/0")
	data.auditor.lib.net.is_world_cidr(" ::0/0 ")
	not data.auditor.lib.net.is_world_cidr("10.0.0.0/8")
	not data.auditor.lib.net.is_world_cidr("0.0.0.0/1")
	not data.auditor.lib.net.is_world_cidr("2001:db8::/32")
	not data.auditor.lib.net.is_world_cidr(null)
}

test_sg_rule_world_cidrs if {
	rule := {"cidr_blocks": ["10.0.0.0/8", "0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]}
	data.auditor.lib.net.sg_rule_world_cidrs(rule) == {"0.0.0.0/0", "::/0"}
	data.auditor.lib.net.sg_rule_world_cidrs({"cidr_blocks": null}) == set()
	data.auditor.lib.net.sg_rule_world_cidrs({"source_security_groups": ["sg-1"]}) == set()
}

test_sg_rule_covers_port if {
	data.auditor.lib.net.sg_rule_covers_port({"protocol": "tcp", "from_port": 22, "to_port": 22}, 22)
	data.auditor.lib.net.sg_rule_covers_port({"protocol": "tcp", "from_port": 0, "to_port": 65535}, 3389)
	data.auditor.lib.net.sg_rule_covers_port({"protocol": "-1", "from_port": 0, "to_port": 0}, 22)
	data.auditor.lib.net.sg_rule_covers_port({"protocol": "all", "from_port": null, "to_port": null}, 6443)
	data.auditor.lib.net.sg_rule_covers_port({"protocol": "udp", "from_port": 3000, "to_port": 4000}, 3389)
	data.auditor.lib.net.sg_rule_covers_port({"protocol": "6", "from_port": 10250, "to_port": 10255}, 10250)
	not data.auditor.lib.net.sg_rule_covers_port({"protocol": "tcp", "from_port": 23, "to_port": 80}, 22)
	not data.auditor.lib.net.sg_rule_covers_port({"protocol": "icmp", "from_port": -1, "to_port": -1}, 22)
	not data.auditor.lib.net.sg_rule_covers_port({"protocol": "icmp", "from_port": 8, "to_port": 65535}, 22)
	not data.auditor.lib.net.sg_rule_covers_port({"protocol": "tcp", "from_port": null, "to_port": null}, 22)
	not data.auditor.lib.net.sg_rule_covers_port({"protocol": null}, 22)
}

test_sg_rule_is_tcp_port if {
	data.auditor.lib.net.sg_rule_is_tcp_port({"protocol": "tcp", "from_port": 443, "to_port": 443}, 443)
	not data.auditor.lib.net.sg_rule_is_tcp_port({"protocol": "tcp", "from_port": 0, "to_port": 443}, 443)
	not data.auditor.lib.net.sg_rule_is_tcp_port({"protocol": "-1", "from_port": 0, "to_port": 0}, 443)
	not data.auditor.lib.net.sg_rule_is_tcp_port({"protocol": "udp", "from_port": 443, "to_port": 443}, 443)
}

test_describe_sg_rule if {
	data.auditor.lib.net.describe_sg_rule({"protocol": "tcp", "from_port": 22, "to_port": 22}) == "tcp 22"
	data.auditor.lib.net.describe_sg_rule({"protocol": "TCP", "from_port": 0, "to_port": 65535}) == "tcp 0-65535"
	data.auditor.lib.net.describe_sg_rule({"protocol": "-1", "from_port": 0, "to_port": 0}) == "all traffic"
	data.auditor.lib.net.describe_sg_rule({"protocol": null}) == "protocol null"
	data.auditor.lib.net.describe_sg_rule({"protocol": "tcp"}) == "tcp null"
	data.auditor.lib.net.describe_sg_rule({"protocol": "tcp", "from_port": 22}) == "tcp 22-null"
}

test_sg_ingress_unknown_paths if {
	r := {
		"attributes": {"ingress": [
			{"protocol": "tcp", "cidr_blocks": ["10.0.0.0/8"]},
			{"cidr_blocks": ["0.0.0.0/0"]},
		]},
		"unknown": {
			"ingress.0.from_port": "x",
			"ingress.1.to_port": "y",
			"ingress.0.description": "z",
			"ingress.2.ipv6_cidr_blocks": "w",
			"egress": "v",
		},
	}
	data.auditor.lib.net.sg_ingress_unknown_paths(r) == {"ingress.1.to_port", "ingress.2.ipv6_cidr_blocks"}
	data.auditor.lib.net.sg_ingress_unknown_paths({"attributes": {}, "unknown": {"ingress": "computed"}}) == {"ingress"}
}

test_gcp_ingress_allow if {
	data.auditor.lib.net.gcp_ingress_allow({"attributes": {"direction": "INGRESS", "allowed": [{"protocol": "tcp"}]}})
	data.auditor.lib.net.gcp_ingress_allow({"attributes": {"direction": null, "disabled": null, "allowed": [{"protocol": "tcp"}]}})
	not data.auditor.lib.net.gcp_ingress_allow({"attributes": {"direction": "EGRESS", "allowed": [{"protocol": "tcp"}]}})
	not data.auditor.lib.net.gcp_ingress_allow({"attributes": {"direction": "INGRESS", "disabled": true, "allowed": [{"protocol": "tcp"}]}})
	not data.auditor.lib.net.gcp_ingress_allow({"attributes": {"direction": "INGRESS", "allowed": [], "denied": [{"protocol": "all"}]}})
}

test_gcp_world_sources if {
	data.auditor.lib.net.gcp_world_sources({"attributes": {"source_ranges": ["0.0.0.0/0", "10.0.0.0/8"]}}) == {"0.0.0.0/0"}
	data.auditor.lib.net.gcp_world_sources({"attributes": {"source_ranges": ["::/0"]}}) == {"::/0"}
	data.auditor.lib.net.gcp_world_sources({"attributes": {"source_ranges": ["10.0.0.0/8"]}}) == set()
	data.auditor.lib.net.gcp_world_sources({"attributes": {"source_ranges": [], "source_tags": ["bastion"]}}) == set()
	count(data.auditor.lib.net.gcp_world_sources({"attributes": {"source_ranges": [], "source_tags": []}})) == 1
	data.auditor.lib.net.gcp_world_sources({"attributes": {}, "unknown": {"source_ranges": "var"}}) == set()
}

test_gcp_allowed_covers_port if {
	data.auditor.lib.net.gcp_allowed_covers_port({"protocol": "all", "ports": []}, 22)
	data.auditor.lib.net.gcp_allowed_covers_port({"protocol": "tcp", "ports": []}, 22)
	data.auditor.lib.net.gcp_allowed_covers_port({"protocol": "tcp", "ports": ["22"]}, 22)
	data.auditor.lib.net.gcp_allowed_covers_port({"protocol": "tcp", "ports": ["80", "8000-9000"]}, 8888)
	data.auditor.lib.net.gcp_allowed_covers_port({"protocol": "udp", "ports": ["3389"]}, 3389)
	not data.auditor.lib.net.gcp_allowed_covers_port({"protocol": "tcp", "ports": ["80", "8000-8887"]}, 8888)
	not data.auditor.lib.net.gcp_allowed_covers_port({"protocol": "icmp", "ports": []}, 22)
	not data.auditor.lib.net.gcp_allowed_covers_port({"protocol": "tcp", "ports": ["ssh"]}, 22)
	not data.auditor.lib.net.gcp_allowed_covers_port({"protocol": null, "ports": []}, 22)
}

test_describe_gcp_allowed if {
	data.auditor.lib.net.describe_gcp_allowed({"protocol": "all"}) == "all protocols"
	data.auditor.lib.net.describe_gcp_allowed({"protocol": "tcp", "ports": []}) == "tcp (all ports)"
	data.auditor.lib.net.describe_gcp_allowed({"protocol": "tcp", "ports": ["22", "8000-9000"]}) == "tcp:22,8000-9000"
	data.auditor.lib.net.describe_gcp_allowed({"protocol": null}) == "protocol null"
}

test_gcp_ingress_unknown_paths if {
	fw := {"attributes": {"source_ranges": ["0.0.0.0/0"]}, "unknown": {"source_tags": "a", "allowed.0.ports": "b", "target_tags": "c", "description": "d"}}
	data.auditor.lib.net.gcp_ingress_unknown_paths(fw) == {"source_tags", "allowed.0.ports"}
	private := {"attributes": {"source_ranges": ["10.0.0.0/8"]}, "unknown": {"allowed": "b", "disabled": "e"}}
	data.auditor.lib.net.gcp_ingress_unknown_paths(private) == set()
}
