# METADATA
# title: Model image registries are encrypted with KMS
# description: |
#   ECR repositories holding model images (lib/ai_aws.rego: a SageMaker model
#   container or training job image comes from the repository, or it carries an
#   `ai_tag_keys` / `ai_data_tag_keys` tag) encrypt at rest with KMS
#   (encryption_type KMS or KMS_DSSE), so that reading the image layers, which often
#   embed the weights, also needs the key.
#   Fails: encryption_type AES256, or not set (the ECR default is AES256).
#   Unknown: encryption_type is unknown.
#   Limits: images referenced by registry alias or pull-through cache are not matched
#   to repositories; tag such repositories.
# custom:
#   id: ENC-07
#   severity: low
#   domain: encryption
#   resource_kinds: [aws_ecr_repository, aws_sagemaker_model, aws_sagemaker_training_job]
#   frameworks:
#     nist-sp-800-53-r5: [SC-28, SC-28(1)]
#     iso-27001-2022: [A.8.24]
#     mitre-atlas: [AML.M0012]
#   remediation: >-
#     Terraform `aws_ecr_repository.encryption_configuration { encryption_type = "KMS"
#     kms_key = aws_kms_key.models.arn }` (ECR API `CreateRepository
#     --encryption-configuration encryptionType=KMS,kmsKey=...`; the setting cannot
#     change after creation: create a new repository and copy the images), or a
#     registry-wide `aws_ecr_repository_creation_template` with KMS.
package auditor.controls.enc_07

import rego.v1

applicable contains id if some id in data.auditor.lib.ai_aws.registry_ids

deny contains data.auditor.lib.result.fail(r, msg, "encryption_type", value) if {
	some id in data.auditor.lib.ai_aws.registry_ids
	r := input.resources.aws_ecr_repository[id]
	not data.auditor.lib.util.is_unknown(r, "encryption_type")
	value := object.get(r.attributes, "encryption_type", null)
	not data.auditor.lib.util.upper_str(value) in {"KMS", "KMS_DSSE"}
	msg := sprintf("ECR repository %v %s and is encrypted with %s, not KMS", [object.get(r.attributes, "repository_name", r.name), data.auditor.lib.ai_aws.registry_role(r), _text(value)])
}

_text(null) := "the default AES256"

_text(value) := sprintf("%v", [value]) if value != null

unknown contains data.auditor.lib.result.unknown(r, path) if {
	some id in data.auditor.lib.ai_aws.registry_ids
	r := input.resources.aws_ecr_repository[id]
	some path in data.auditor.lib.util.unknown_paths(r, "encryption_type")
}
