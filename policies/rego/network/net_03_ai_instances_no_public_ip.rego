# METADATA
# title: AI instances have no public IP
# description: |
#   GPU/accelerator instances must not have a public IPv4 address; they are reached
#   through a load balancer, a NAT gateway for egress, or private connectivity.
#   AWS: `public_ip` is true when the instance has or will get a public address (set
#   explicitly, by the subnet's auto-assign setting or as a default subnet). GCP: an
#   interface has `public_ip` true, or (with public_ip not set) an access config.
#   Judged: the AI instances (lib/ai.rego), and instances whose AI classification is
#   unknown (a public IP on those is reported as unknown, not as a failure).
#   Unknown: public_ip (AWS) or the interfaces' public_ip/access configs (GCP) are
#   unknown, or the AWS public_ip was not determined (null).
# custom:
#   id: NET-03
#   severity: high
#   domain: network
#   resource_kinds: [aws_instance, google_compute_instance]
#   frameworks:
#     nist-sp-800-53-r5: [SC-7]
#     iso-27001-2022: [A.8.20, A.8.22]
#     mitre-atlas: [AML.M0019]
#   remediation: >-
#     Launch AI instances in private subnets without a public address: Terraform
#     `aws_instance.associate_public_ip_address = false` and `map_public_ip_on_launch =
#     false` on the subnet (EC2 API `NetworkInterfaces[].AssociatePublicIpAddress`);
#     on GCP remove the `access_config` block from `network_interface` (API
#     `networkInterfaces[].accessConfigs`) and use Cloud NAT for egress.
package auditor.controls.net_03

import rego.v1

# --- AWS -------------------------------------------------------------------------------

applicable contains id if some id in data.auditor.lib.ai.aws_instance_ids

applicable contains id if some id in data.auditor.lib.ai.unresolved_aws_instance_ids

deny contains data.auditor.lib.result.fail(r, msg, "public_ip", true) if {
	some id in data.auditor.lib.ai.aws_instance_ids
	r := input.resources.aws_instance[id]
	r.attributes.public_ip == true
	msg := sprintf("AI instance (%v) has a public IPv4 address", [object.get(r.attributes, "instance_type", null)])
}

unknown contains data.auditor.lib.result.unknown(r, path) if {
	some id in _aws_judged
	r := input.resources.aws_instance[id]
	some path in data.auditor.lib.util.unknown_paths(r, "public_ip")
}

unknown contains data.auditor.lib.result.unknown_because(r, "public_ip", "whether the instance gets a public IP was not determined") if {
	some id in _aws_judged
	r := input.resources.aws_instance[id]
	not data.auditor.lib.util.is_unknown(r, "public_ip")
	not is_boolean(r.attributes.public_ip)
}

unknown contains data.auditor.lib.result.unknown_because(r, "public_ip", why) if {
	some id in data.auditor.lib.ai.unresolved_aws_instance_ids
	r := input.resources.aws_instance[id]
	r.attributes.public_ip == true
	why := sprintf("the instance has a public IPv4 address; %s", [data.auditor.lib.ai.unresolved_reason(id)])
}

_aws_judged := data.auditor.lib.ai.aws_instance_ids | data.auditor.lib.ai.unresolved_aws_instance_ids

# --- GCP -------------------------------------------------------------------------------

applicable contains id if some id in data.auditor.lib.ai.gcp_instance_ids

applicable contains id if some id in data.auditor.lib.ai.unresolved_gcp_instance_ids

# _public_interfaces(r): [attribute path, value] of the interfaces with an external IP.
_public_interfaces(r) := {[path, value] |
	some i, ni in data.auditor.lib.util.as_array(r.attributes.network_interfaces)
	[path, value] := _public_interface(i, ni)
}

_public_interface(i, ni) := [data.auditor.lib.util.path(["network_interfaces", i, "public_ip"]), true] if {
	ni.public_ip == true
}

_public_interface(i, ni) := [data.auditor.lib.util.path(["network_interfaces", i, "access_configs"]), ni.access_configs] if {
	not is_boolean(ni.public_ip)
	count(data.auditor.lib.util.as_array(ni.access_configs)) > 0
}

deny contains data.auditor.lib.result.fail(r, msg, path, value) if {
	some id in data.auditor.lib.ai.gcp_instance_ids
	r := input.resources.google_compute_instance[id]
	some [path, value] in _public_interfaces(r)
	msg := sprintf("AI instance (%v) has an external IP on %s", [object.get(r.attributes, "machine_type", null), path])
}

_gcp_deciding(parts) if count(parts) <= 2

_gcp_deciding(parts) if parts[2] in {"public_ip", "access_configs"}

unknown contains data.auditor.lib.result.unknown(r, path) if {
	some id in data.auditor.lib.ai.gcp_instance_ids | data.auditor.lib.ai.unresolved_gcp_instance_ids
	r := input.resources.google_compute_instance[id]
	some path in data.auditor.lib.util.unknown_paths(r, "network_interfaces")
	_gcp_deciding(split(path, "."))
}

unknown contains data.auditor.lib.result.unknown_because(r, path, why) if {
	some id in data.auditor.lib.ai.unresolved_gcp_instance_ids
	r := input.resources.google_compute_instance[id]
	some [path, _] in _public_interfaces(r)
	why := sprintf("the instance has an external IP on %s; %s", [path, data.auditor.lib.ai.unresolved_reason(id)])
}
