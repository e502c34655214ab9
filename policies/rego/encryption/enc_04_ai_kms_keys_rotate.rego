# METADATA
# title: KMS keys protecting AI data rotate
# description: |
#   Customer-managed symmetric KMS keys that protect AI data (lib/ai_aws.rego: named
#   by an AI data bucket's default encryption, a SageMaker endpoint configuration,
#   notebook instance or training job, a volume of an AI instance, an AI EKS cluster's
#   secrets encryption, or a model registry) have automatic rotation on, so that a
#   leaked or broken key version stops protecting new data within a year.
#   Fails: key_rotation_enabled false or not set (the default is off).
#   Not judged: AWS-managed keys (AWS rotates them yearly), keys whose usage is not
#   ENCRYPT_DECRYPT (asymmetric and HMAC keys cannot rotate automatically), keys
#   pending deletion, and references to keys that are not in the snapshot.
#   Unknown: key_rotation_enabled (or the key manager) is unknown.
# custom:
#   id: ENC-04
#   severity: low
#   domain: encryption
#   resource_kinds: [aws_kms_key, aws_s3_bucket, aws_sagemaker_model, aws_sagemaker_endpoint_configuration, aws_sagemaker_notebook_instance, aws_sagemaker_training_job, aws_instance, aws_ebs_volume, aws_eks_cluster, aws_eks_node_group, aws_ecr_repository]
#   frameworks:
#     nist-sp-800-53-r5: [SC-12]
#     iso-27001-2022: [A.8.24]
#   remediation: >-
#     Turn on automatic rotation: Terraform `aws_kms_key.enable_key_rotation = true`
#     (optionally `rotation_period_in_days`), KMS API `EnableKeyRotation --key-id`.
package auditor.controls.enc_04

import rego.v1

_not_rotatable_usage(k) if {
	usage := data.auditor.lib.util.upper_str(k.attributes.key_usage)
	usage != "ENCRYPT_DECRYPT"
}

_skipped(k) if data.auditor.lib.util.upper_str(k.attributes.key_manager) == "AWS"

_skipped(k) if _not_rotatable_usage(k)

_skipped(k) if data.auditor.lib.util.lower_str(k.attributes.key_state) in {"pendingdeletion", "pendingreplicadeletion"}

_judged contains kid if {
	some kid, _ in data.auditor.lib.ai_aws.key_protects
	k := input.resources.aws_kms_key[kid]
	not _skipped(k)
}

applicable contains id if some id in _judged

_uses(kid) := data.auditor.lib.util.describe(data.auditor.lib.ai_aws.key_protects[kid])

deny contains data.auditor.lib.result.fail(k, msg, "key_rotation_enabled", value) if {
	some kid in _judged
	k := input.resources.aws_kms_key[kid]
	not data.auditor.lib.util.is_unknown(k, "key_rotation_enabled")
	not data.auditor.lib.util.is_unknown(k, "key_manager")
	value := object.get(k.attributes, "key_rotation_enabled", null)
	value != true
	msg := sprintf("KMS key %s protects AI data (%s) and does not rotate automatically", [k.name, _uses(kid)])
}

unknown contains data.auditor.lib.result.unknown(k, path) if {
	some kid in _judged
	k := input.resources.aws_kms_key[kid]
	not k.attributes.key_rotation_enabled == true
	some field in ["key_rotation_enabled", "key_manager"]
	some path in data.auditor.lib.util.unknown_paths(k, field)
}
