# METADATA
# title: VPCs hosting AI workloads reach AI APIs through private endpoints
# description: |
#   A VPC hosting AI (lib/ai_aws.rego: the VPC of an AI instance, of the subnets of a
#   SageMaker model's, training job's or notebook's network configuration, or of an EKS
#   cluster with GPU node groups) has a VPC endpoint for every service of
#   `ai_vpc_endpoint_services` (default: sagemaker.api, sagemaker.runtime and
#   bedrock-runtime interface endpoints, and the S3 endpoint), so that model
#   invocations, SageMaker API calls and artifact downloads stay on the AWS network
#   instead of leaving through an internet or NAT gateway.
#   An endpoint serves a service when its service_name ends with ".<service>" (or
#   ".<service>-fips"), e.g. com.amazonaws.us-east-1.sagemaker.runtime; endpoints in a
#   deleted, deleting, rejected, failed or expired state do not count. For S3 a gateway
#   or an interface endpoint counts.
#   Judged: the VPCs hosting AI that are in the snapshot (a Terraform root that only
#   references a VPC made elsewhere does not hold its endpoints either).
#   The failure rests on the absence of endpoints: where aws_vpc_endpoint was not
#   collected in the VPC's account and region, the result is error, not fail.
#   Unknown: an endpoint's vpc_id is unknown, or the service name of an endpoint of the
#   VPC is unknown, while a service is missing.
# custom:
#   id: PE-03
#   severity: medium
#   domain: private_endpoints
#   resource_kinds: [aws_vpc, aws_vpc_endpoint, aws_subnet, aws_instance, aws_sagemaker_model, aws_sagemaker_training_job, aws_sagemaker_notebook_instance, aws_eks_cluster, aws_eks_node_group]
#   frameworks:
#     nist-sp-800-53-r5: [SC-7]
#     iso-27001-2022: [A.8.21, A.8.22]
#   remediation: >-
#     Create the endpoints in the VPC: Terraform `aws_vpc_endpoint` with
#     `vpc_endpoint_type = "Interface"`, `private_dns_enabled = true`, `subnet_ids` and
#     `security_group_ids` for `service_name = "com.amazonaws.<region>.sagemaker.api"`,
#     `"...sagemaker.runtime"` and `"...bedrock-runtime"`, and `vpc_endpoint_type =
#     "Gateway"` with `route_table_ids` for `"com.amazonaws.<region>.s3"` (EC2 API
#     `CreateVpcEndpoint`); then restrict the model roles with `aws:SourceVpce`
#     conditions.
package auditor.controls.pe_03

import rego.v1

_judged contains vpc if {
	some vpc, _ in data.auditor.lib.ai_aws.vpc_ai_resources
	input.resources.aws_vpc[vpc]
}

applicable contains id if some id in _judged

_dead_states := {"deleted", "deleting", "rejected", "failed", "expired"}

_live(e) if not data.auditor.lib.util.lower_str(e.attributes.state) in _dead_states

_serves(e, svc) if {
	name := data.auditor.lib.util.lower_str(e.attributes.service_name)
	some suffix in [svc, concat("", [svc, "-fips"])]
	endswith(name, concat("", [".", lower(suffix)]))
}

_served[vpc] contains svc if {
	some e in input.resources.aws_vpc_endpoint
	_live(e)
	vpc := e.attributes.vpc_id
	vpc in _judged
	some svc in data.auditor.config.ai_vpc_endpoint_services
	_serves(e, svc)
}

_missing(vpc) := {svc |
	some svc in data.auditor.config.ai_vpc_endpoint_services
	not _served[vpc][svc]
}

_hosts(vpc) := data.auditor.lib.util.describe(data.auditor.lib.ai_aws.vpc_ai_resources[vpc])

# Doubts: an endpoint whose VPC is unknown might be in any VPC; one in the VPC whose
# service is unknown might be the missing one. Collected once, not per VPC.
_doubts_anywhere contains sprintf("endpoint %s: %s", [e.id, concat(", ", sort(paths))]) if {
	some e in input.resources.aws_vpc_endpoint
	paths := data.auditor.lib.util.unknown_paths(e, "vpc_id")
	count(paths) > 0
}

_doubts_in[vpc] contains sprintf("endpoint %s: %s", [e.id, concat(", ", sort(paths))]) if {
	some e in input.resources.aws_vpc_endpoint
	vpc := e.attributes.vpc_id
	is_string(vpc)
	paths := data.auditor.lib.util.unknown_paths(e, "service_name")
	count(paths) > 0
}

_doubts(vpc) := _doubts_anywhere | {d | some d in _doubts_in[vpc]}

deny contains data.auditor.lib.result.fail_absent(v, msg, "vpc_endpoints", sort(missing), ["aws_vpc_endpoint"]) if {
	some vpc in _judged
	v := input.resources.aws_vpc[vpc]
	missing := _missing(vpc)
	count(missing) > 0
	count(_doubts(vpc)) == 0
	msg := sprintf("VPC %s hosts AI (%s) and has no VPC endpoint for %s: those API calls leave the AWS network through an internet or NAT gateway", [v.name, _hosts(vpc), concat(", ", sort(missing))])
}

unknown contains data.auditor.lib.result.unknown_because(v, "vpc_endpoints", why) if {
	some vpc in _judged
	v := input.resources.aws_vpc[vpc]
	count(_missing(vpc)) > 0
	doubts := _doubts(vpc)
	count(doubts) > 0
	why := sprintf("no endpoint known for %s, and %s is unknown", [concat(", ", sort(_missing(vpc))), concat("; ", sort(doubts))])
}
