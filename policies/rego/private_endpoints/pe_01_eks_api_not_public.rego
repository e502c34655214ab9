# METADATA
# title: Kubernetes cluster API not publicly reachable
# description: |
#   An EKS cluster's API server endpoint is private, or its public endpoint admits only
#   listed CIDRs. Fails: endpoint_public_access is true, or not set (the API and
#   Terraform default is true), and public_access_cidrs contains a /0 prefix
#   (0.0.0.0/0, ::/0) or is empty / not set (EKS then applies 0.0.0.0/0).
#   Every EKS cluster is judged: a cluster API open to the internet is a direct path to
#   every workload and secret on the cluster, AI or not.
#   Unknown: endpoint_public_access is unknown; the endpoint is public and
#   public_access_cidrs is unknown.
# custom:
#   id: PE-01
#   severity: high
#   domain: private_endpoints
#   resource_kinds: [aws_eks_cluster]
#   frameworks:
#     nist-sp-800-53-r5: [SC-7, AC-17]
#     iso-27001-2022: [A.8.20, A.8.22]
#   remediation: >-
#     Turn the public endpoint off: Terraform `aws_eks_cluster.vpc_config {
#     endpoint_private_access = true, endpoint_public_access = false }` (EKS API
#     `UpdateClusterConfig --resources-vpc-config
#     endpointPublicAccess=false,endpointPrivateAccess=true`), or, if it must stay
#     public, restrict `public_access_cidrs` to the administrators' egress CIDRs.
package auditor.controls.pe_01

import rego.v1

applicable contains id if some id, _ in input.resources.aws_eks_cluster

_public(c) if object.get(c.attributes, "endpoint_public_access", null) != false

_cidrs(c) := data.auditor.lib.util.as_array(object.get(c.attributes, "public_access_cidrs", null))

_world_cidrs(c) := {x | some x in _cidrs(c); data.auditor.lib.net.is_world_cidr(x)}

_open_cidrs(c) := cidrs if {
	cidrs := _world_cidrs(c)
	count(cidrs) > 0
}

_open_cidrs(c) := {"0.0.0.0/0 (no public_access_cidrs: the EKS default)"} if {
	count(_cidrs(c)) == 0
}

deny contains data.auditor.lib.result.fail(c, msg, "public_access_cidrs", sort(cidrs)) if {
	some c in input.resources.aws_eks_cluster
	not data.auditor.lib.util.is_unknown(c, "endpoint_public_access")
	_public(c)
	not data.auditor.lib.util.is_unknown(c, "public_access_cidrs")
	cidrs := _open_cidrs(c)
	msg := sprintf("EKS cluster %s has a public API endpoint open to %s", [c.name, concat(", ", sort(cidrs))])
}

unknown contains data.auditor.lib.result.unknown(c, path) if {
	some c in input.resources.aws_eks_cluster
	some path in data.auditor.lib.util.unknown_paths(c, "endpoint_public_access")
}

unknown contains data.auditor.lib.result.unknown(c, path) if {
	some c in input.resources.aws_eks_cluster
	not data.auditor.lib.util.is_unknown(c, "endpoint_public_access")
	_public(c)
	some path in data.auditor.lib.util.unknown_paths(c, "public_access_cidrs")
}
