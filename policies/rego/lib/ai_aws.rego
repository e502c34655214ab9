# METADATA
# title: AI resources of AWS managed services
# description: |
#   Classification that the AWS controls of the private-endpoint, GPU-monitoring,
#   encryption, access and logging domains share, next to lib/ai.rego:
#   - AI EKS clusters: a managed node group runs an AI instance type
#     (`aws_ai_instance_families`), or a GPU/accelerator AMI type (one naming GPU,
#     NVIDIA or NEURON), or carries an AI tag; or the cluster carries an AI tag.
#   - AI compute (for regional monitoring): AI instances, SageMaker notebook instances,
#     training jobs and endpoints, AI EKS clusters.
#   - VPCs hosting AI: the VPC of an AI instance (vpc_id, or its subnet's), of the
#     subnets of a SageMaker model's, training job's or notebook's network
#     configuration, or of an AI EKS cluster.
#   - Model registries: ECR repositories that a SageMaker model container or training
#     job image comes from (matched on the repository name of an ECR image URI), or
#     that carry an `ai_tag_keys` / `ai_data_tag_keys` tag.
#   - KMS keys protecting AI data: named by an AI data bucket's default encryption, an
#     endpoint configuration (volume and data-capture keys), a notebook, a training job
#     (volume and output keys), a volume of an AI instance or an EBS volume attached to
#     one, an AI EKS cluster's secrets encryption, or a model registry. A reference
#     matches the aws_kms_key whose id is the reference, or ends with "/<reference>"
#     (a bare key id against a key ARN), or the other way round.
#   - Model-inference APIs: API Gateway REST or HTTP APIs with a method/route whose
#     integration URI contains one of `inference_integration_markers` (SageMaker
#     runtime, Bedrock runtime by default; add the names of inference Lambdas), or
#     that carry an AI tag (then every method/route that does not answer with a MOCK
#     integration counts).
package auditor.lib.ai_aws

import rego.v1

# --- EKS --------------------------------------------------------------------------------

_accelerated_ami(ami) if {
	a := upper(ami)
	some marker in ["GPU", "NVIDIA", "NEURON"]
	contains(a, marker)
}

# gpu_node_group_ids: the node groups running AI compute.
gpu_node_group_ids contains id if {
	some id, ng in input.resources.aws_eks_node_group
	some t in data.auditor.lib.util.as_array(ng.attributes.instance_types)
	data.auditor.lib.ai.aws_ai_instance_type(t)
}

gpu_node_group_ids contains id if {
	some id, ng in input.resources.aws_eks_node_group
	is_string(ng.attributes.ami_type)
	_accelerated_ami(ng.attributes.ami_type)
}

gpu_node_group_ids contains id if {
	some id, ng in input.resources.aws_eks_node_group
	ng.tags != {}
	data.auditor.lib.ai.has_ai_tag(ng)
}

_clusters_by_name[name] contains id if {
	some id, c in input.resources.aws_eks_cluster
	name := c.name
	is_string(name)
}

# cluster_of(ng): the resource id of the node group's cluster, when it is in the snapshot.
cluster_of(ng) := ng.attributes.cluster if input.resources.aws_eks_cluster[ng.attributes.cluster]

cluster_of(ng) := id if {
	not input.resources.aws_eks_cluster[ng.attributes.cluster]
	some name in [object.get(ng.attributes, "cluster", null), object.get(ng.attributes, "cluster_name", null)]
	is_string(name)
	some id in _clusters_by_name[name]
}

# eks_cluster_ids: the EKS clusters running AI workloads.
eks_cluster_ids contains cid if {
	some ng_id in gpu_node_group_ids
	cid := cluster_of(input.resources.aws_eks_node_group[ng_id])
}

eks_cluster_ids contains id if {
	some id, c in input.resources.aws_eks_cluster
	c.tags != {}
	data.auditor.lib.ai.has_ai_tag(c)
}

# --- AI compute by kind --------------------------------------------------------------

# compute[kind]: the AI compute resources (ids) of each kind.
compute := {
	"aws_instance": data.auditor.lib.ai.aws_instance_ids,
	"aws_sagemaker_notebook_instance": {id | some id, _ in input.resources.aws_sagemaker_notebook_instance},
	"aws_sagemaker_training_job": {id | some id, _ in input.resources.aws_sagemaker_training_job},
	"aws_sagemaker_endpoint": {id | some id, _ in input.resources.aws_sagemaker_endpoint},
	"aws_eks_cluster": eks_cluster_ids,
}

# --- VPCs hosting AI ------------------------------------------------------------------------

_subnet_vpc(s) := v if {
	v := input.resources.aws_subnet[s].attributes.vpc_id
	is_string(v)
}

_instance_vpc(r) := r.attributes.vpc_id if is_string(r.attributes.vpc_id)

_instance_vpc(r) := v if {
	not is_string(r.attributes.vpc_id)
	v := _subnet_vpc(r.attributes.subnet_id)
}

# vpc_ai_resources[vpc id]: the AI resources (ids) running in the VPC.
vpc_ai_resources[vpc] contains id if {
	some id in data.auditor.lib.ai.aws_instance_ids
	vpc := _instance_vpc(input.resources.aws_instance[id])
}

vpc_ai_resources[vpc] contains id if {
	some kind in ["aws_sagemaker_model", "aws_sagemaker_training_job"]
	some id, r in input.resources[kind]
	some s in data.auditor.lib.util.as_array(r.attributes.vpc_config.subnets)
	vpc := _subnet_vpc(s)
}

vpc_ai_resources[vpc] contains id if {
	some id, r in input.resources.aws_sagemaker_notebook_instance
	vpc := _subnet_vpc(r.attributes.subnet_id)
}

vpc_ai_resources[vpc] contains id if {
	some id in eks_cluster_ids
	vpc := input.resources.aws_eks_cluster[id].attributes.vpc_id
	is_string(vpc)
}

# --- model registries -------------------------------------------------------------------------

_ecr_image := `^[0-9]{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/([^:@]+)`

# ecr_repository_name(image): the repository of an ECR image URI
# ("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/model:1" -> "team/model").
ecr_repository_name(image) := name if {
	is_string(image)
	found := regex.find_all_string_submatch_n(_ecr_image, trim_space(image), 1)
	name := found[0][3]
}

# model_images[repository name]: the SageMaker resources whose images come from it.
model_images[name] contains id if {
	some id, m in input.resources.aws_sagemaker_model
	some container in data.auditor.lib.util.as_array(m.attributes.containers)
	name := ecr_repository_name(container.image)
}

model_images[name] contains id if {
	some id, j in input.resources.aws_sagemaker_training_job
	name := ecr_repository_name(j.attributes.training_image)
}

registry_ids contains id if {
	some id, repo in input.resources.aws_ecr_repository
	model_images[repo.attributes.repository_name]
}

registry_ids contains id if {
	some id, repo in input.resources.aws_ecr_repository
	repo.tags != {}
	data.auditor.lib.ai.has_ai_tag(repo)
}

registry_ids contains id if {
	some id, repo in input.resources.aws_ecr_repository
	repo.tags != {}
	data.auditor.lib.ai.has_ai_data_tag(repo)
}

# registry_role(repo): why the repository counts as a model registry, for messages.
registry_role(repo) := sprintf("holds the images of %s", [data.auditor.lib.util.describe(refs)]) if {
	refs := model_images[repo.attributes.repository_name]
} else := "is tagged as an AI registry"

# --- KMS keys protecting AI data ---------------------------------------------------------------

# key_referrers[key reference]: the AI resources (ids) whose data the key protects.
key_referrers[ref] contains id if {
	some id in data.auditor.lib.ai.data_bucket_ids
	ref := input.resources.aws_s3_bucket[id].attributes.encryption.kms_master_key_id
	is_string(ref)
}

key_referrers[ref] contains id if {
	some id, c in input.resources.aws_sagemaker_endpoint_configuration
	some ref in [object.get(c.attributes, "kms_key_arn", null), object.get(data.auditor.lib.util.as_object(object.get(c.attributes, "data_capture", null)), "kms_key_id", null)]
	is_string(ref)
}

key_referrers[ref] contains id if {
	some id, n in input.resources.aws_sagemaker_notebook_instance
	ref := n.attributes.kms_key_id
	is_string(ref)
}

key_referrers[ref] contains id if {
	some id, j in input.resources.aws_sagemaker_training_job
	some ref in [object.get(j.attributes, "volume_kms_key_id", null), object.get(j.attributes, "output_kms_key_id", null)]
	is_string(ref)
}

key_referrers[ref] contains id if {
	some id in data.auditor.lib.ai.aws_instance_ids
	some v in data.auditor.lib.util.as_array(input.resources.aws_instance[id].attributes.volumes)
	ref := v.kms_key_id
	is_string(ref)
}

key_referrers[ref] contains id if {
	some id in ai_volume_ids
	ref := input.resources.aws_ebs_volume[id].attributes.kms_key_id
	is_string(ref)
}

key_referrers[ref] contains id if {
	some id in eks_cluster_ids
	some e in data.auditor.lib.util.as_array(input.resources.aws_eks_cluster[id].attributes.encryption_config)
	ref := e.key_arn
	is_string(ref)
}

key_referrers[ref] contains id if {
	some id in registry_ids
	ref := input.resources.aws_ecr_repository[id].attributes.kms_key
	is_string(ref)
}

# ai_volume_ids: the EBS volumes attached to an AI instance or tagged as AI.
ai_volume_ids contains id if {
	some id, v in input.resources.aws_ebs_volume
	some i in data.auditor.lib.util.as_array(v.attributes.attached_instances)
	i in data.auditor.lib.ai.aws_instance_ids
}

ai_volume_ids contains id if {
	some id, v in input.resources.aws_ebs_volume
	v.tags != {}
	data.auditor.lib.ai.has_ai_tag(v)
}

_keys_by_suffix[suffix] contains id if {
	some id, _ in input.resources.aws_kms_key
	suffix := data.auditor.lib.util.last_segment(id)
}

# key_ids_for(ref): the aws_kms_key resources a key reference names.
key_ids_for(ref) := {ref} if input.resources.aws_kms_key[ref]

key_ids_for(ref) := ids if {
	not input.resources.aws_kms_key[ref]
	ids := {id | some id in _keys_by_suffix[data.auditor.lib.util.last_segment(ref)]}
}

# key_protects[aws_kms_key id]: the AI resources whose data the key protects.
key_protects[kid] contains rid if {
	some ref, rids in key_referrers
	some kid in key_ids_for(ref)
	some rid in rids
}

# --- model-inference APIs ------------------------------------------------------------------------

# inference_integration(uri): the integration URI names an inference service.
inference_integration(uri) if {
	is_string(uri)
	u := lower(uri)
	some marker in data.auditor.config.inference_integration_markers
	contains(u, lower(marker))
}

_mock(entry) if data.auditor.lib.util.upper_str(entry.integration_type) == "MOCK"

# inference_entry(api, entry): a REST method or HTTP route of `api` serving inference.
inference_entry(_, entry) if inference_integration(entry.integration_uri)

inference_entry(api, entry) if {
	api.tags != {}
	data.auditor.lib.ai.has_ai_tag(api)
	not _mock(entry)
}

# rest_api_ids / http_api_ids: the inference APIs.
rest_api_ids contains id if {
	some id, api in input.resources.aws_api_gateway_rest_api
	some m in data.auditor.lib.util.as_array(api.attributes.methods)
	inference_entry(api, m)
}

http_api_ids contains id if {
	some id, api in input.resources.aws_apigatewayv2_api
	some r in data.auditor.lib.util.as_array(api.attributes.routes)
	inference_entry(api, r)
}
