# METADATA
# title: Managed AI resources run inside a VPC, without direct internet access
# description: |
#   SageMaker notebook instances, models and training jobs must not reach (or be
#   reached from) the internet outside the owner's network controls:
#   - a notebook instance fails when direct_internet_access is true, or not set (the
#     API and Terraform default is Enabled), or when it has no subnet_id (without one,
#     SageMaker always gives it internet access);
#   - a model or training job fails when it has neither a vpc_config with subnets (its
#     containers then run in the SageMaker service network, with internet access) nor
#     enable_network_isolation = true (no network access at all).
#   Unknown: the deciding attribute (direct_internet_access, subnet_id, vpc_config,
#   enable_network_isolation) is unknown and the resource is not known to pass by
#   another fact.
# custom:
#   id: NET-05
#   severity: high
#   domain: network
#   resource_kinds: [aws_sagemaker_notebook_instance, aws_sagemaker_model, aws_sagemaker_training_job]
#   frameworks:
#     nist-sp-800-53-r5: [SC-7]
#     iso-27001-2022: [A.8.20, A.8.22]
#     mitre-atlas: [AML.M0019]
#   remediation: >-
#     Notebook instances: Terraform `aws_sagemaker_notebook_instance.direct_internet_access
#     = "Disabled"` with `subnet_id` and `security_groups` (API `CreateNotebookInstance
#     --direct-internet-access Disabled --subnet-id`; a notebook cannot be changed in
#     place, recreate it), with egress through a NAT or VPC endpoints. Models: Terraform
#     `aws_sagemaker_model.vpc_config { subnets, security_group_ids }` and/or
#     `enable_network_isolation = true`; training jobs: `VpcConfig` and
#     `EnableNetworkIsolation` in `CreateTrainingJob` (SageMaker Python SDK `subnets`,
#     `security_group_ids`, `enable_network_isolation=True`).
package auditor.controls.net_05

import rego.v1

applicable contains id if some id, _ in input.resources.aws_sagemaker_notebook_instance

applicable contains id if some id, _ in input.resources.aws_sagemaker_model

applicable contains id if some id, _ in input.resources.aws_sagemaker_training_job

# --- notebook instances -----------------------------------------------------------------------

deny contains data.auditor.lib.result.fail(n, msg, "direct_internet_access", value) if {
	some n in input.resources.aws_sagemaker_notebook_instance
	not data.auditor.lib.util.is_unknown(n, "direct_internet_access")
	value := object.get(n.attributes, "direct_internet_access", null)
	value != false
	msg := sprintf("SageMaker notebook instance %s has direct internet access (%s)", [n.name, _direct_text(value)])
}

_direct_text(true) := "DirectInternetAccess Enabled"

_direct_text(value) := "DirectInternetAccess not set: the default is Enabled" if value != true

deny contains data.auditor.lib.result.fail(n, msg, "subnet_id", null) if {
	some n in input.resources.aws_sagemaker_notebook_instance
	not data.auditor.lib.util.is_unknown(n, "subnet_id")
	not is_string(n.attributes.subnet_id)
	msg := sprintf("SageMaker notebook instance %s is not in a VPC (no subnet_id): SageMaker gives it internet access", [n.name])
}

unknown contains data.auditor.lib.result.unknown(n, path) if {
	some n in input.resources.aws_sagemaker_notebook_instance
	some field in ["direct_internet_access", "subnet_id"]
	some path in data.auditor.lib.util.unknown_paths(n, field)
}

# --- models and training jobs ---------------------------------------------------------------

_in_vpc(r) if count(data.auditor.lib.util.as_array(r.attributes.vpc_config.subnets)) > 0

_isolated(r) if r.attributes.enable_network_isolation == true

_label := {"aws_sagemaker_model": "SageMaker model", "aws_sagemaker_training_job": "SageMaker training job"}

deny contains data.auditor.lib.result.fail(r, msg, "vpc_config", object.get(r.attributes, "vpc_config", null)) if {
	some kind in ["aws_sagemaker_model", "aws_sagemaker_training_job"]
	some r in input.resources[kind]
	not _in_vpc(r)
	not _isolated(r)
	not data.auditor.lib.util.is_unknown(r, "vpc_config")
	not data.auditor.lib.util.is_unknown(r, "enable_network_isolation")
	msg := sprintf("%s %s runs outside any VPC (no vpc_config subnets) without enable_network_isolation: its containers can reach the internet", [_label[kind], r.name])
}

unknown contains data.auditor.lib.result.unknown(r, path) if {
	some kind in ["aws_sagemaker_model", "aws_sagemaker_training_job"]
	some r in input.resources[kind]
	not _in_vpc(r)
	not _isolated(r)
	some field in ["vpc_config", "enable_network_isolation"]
	some path in data.auditor.lib.util.unknown_paths(r, field)
}
