# METADATA
# title: SageMaker endpoints, notebooks and training jobs encrypt with a KMS key
# description: |
#   SageMaker resources that hold model weights, captured inference data or training
#   data at rest name a KMS key, so that access to that data also needs the key:
#   - an endpoint configuration's kms_key_arn (its ML storage volumes), unless every
#     production variant runs on an instance family with local NVMe storage
#     (`sagemaker_local_storage_families`: SageMaker encrypts those with a hardware
#     module and refuses a key) or is serverless (no instance type);
#   - an endpoint configuration's data_capture.kms_key_id when data capture is on
#     (enabled true, or not set with a destination);
#   - a notebook instance's kms_key_id;
#   - a training job's volume_kms_key_id (same local-storage exception for its
#     instance type) and output_kms_key_id.
#   Unknown: a deciding key, instance type or data-capture setting is unknown.
# custom:
#   id: ENC-02
#   severity: medium
#   domain: encryption
#   resource_kinds: [aws_sagemaker_endpoint_configuration, aws_sagemaker_notebook_instance, aws_sagemaker_training_job]
#   frameworks:
#     nist-sp-800-53-r5: [SC-28, SC-28(1), SC-12]
#     iso-27001-2022: [A.8.24]
#     mitre-atlas: [AML.M0012]
#   remediation: >-
#     Terraform `aws_sagemaker_endpoint_configuration.kms_key_arn` and
#     `data_capture_config.kms_key_id`, `aws_sagemaker_notebook_instance.kms_key_id`
#     (API `CreateEndpointConfig --kms-key-id`, `DataCaptureConfig.KmsKeyId`,
#     `CreateNotebookInstance --kms-key-id`; endpoint configurations and notebooks are
#     immutable: create new ones and switch over); training jobs `ResourceConfig.VolumeKmsKeyId`
#     and `OutputDataConfig.KmsKeyId` (SageMaker Python SDK `volume_kms_key`,
#     `output_kms_key`), all naming a customer-managed `aws_kms_key`.
package auditor.controls.enc_02

import rego.v1

applicable contains id if some id, _ in input.resources.aws_sagemaker_endpoint_configuration

applicable contains id if some id, _ in input.resources.aws_sagemaker_notebook_instance

applicable contains id if some id, _ in input.resources.aws_sagemaker_training_job

_no_key(r, field) if {
	not data.auditor.lib.util.is_unknown(r, field)
	not is_string(object.get(r.attributes, field, null))
}

# _family("ml.g5.2xlarge") == "g5"
_family(t) := lower(split(t, ".")[1]) if {
	is_string(t)
	count(split(t, ".")) >= 3
}

_local_storage(t) if _family(t) in data.auditor.config.sagemaker_local_storage_families

# --- endpoint configurations --------------------------------------------------------------

_variants(c) := data.auditor.lib.util.as_array(object.get(c.attributes, "production_variants", null))

# _volume_key_needed(c): a known variant has an instance type without local storage.
_volume_key_needed(c) if {
	some v in _variants(c)
	is_string(v.instance_type)
	not _local_storage(v.instance_type)
}

_volume_key_needed(c) if count(_variants(c)) == 0

deny contains data.auditor.lib.result.fail(c, msg, "kms_key_arn", null) if {
	some c in input.resources.aws_sagemaker_endpoint_configuration
	_no_key(c, "kms_key_arn")
	_volume_key_needed(c)
	msg := sprintf("SageMaker endpoint configuration %s names no KMS key (kms_key_arn) for the ML storage volumes that hold the model", [c.name])
}

unknown contains data.auditor.lib.result.unknown(c, path) if {
	some c in input.resources.aws_sagemaker_endpoint_configuration
	not is_string(object.get(c.attributes, "kms_key_arn", null))
	some path in data.auditor.lib.util.unknown_paths(c, "kms_key_arn")
}

unknown contains data.auditor.lib.result.unknown(c, path) if {
	some c in input.resources.aws_sagemaker_endpoint_configuration
	_no_key(c, "kms_key_arn")
	not _volume_key_needed(c)
	some path in data.auditor.lib.util.unknown_paths(c, "production_variants")
}

_data_capture(c) := data.auditor.lib.util.as_object(object.get(c.attributes, "data_capture", null))

_capturing(c) if _data_capture(c).enabled == true

_capturing(c) if {
	not is_boolean(_data_capture(c).enabled)
	is_string(_data_capture(c).destination_s3_uri)
}

deny contains data.auditor.lib.result.fail(c, msg, "data_capture.kms_key_id", null) if {
	some c in input.resources.aws_sagemaker_endpoint_configuration
	_capturing(c)
	not data.auditor.lib.util.is_unknown(c, "data_capture.kms_key_id")
	not is_string(_data_capture(c).kms_key_id)
	msg := sprintf("SageMaker endpoint configuration %s captures inference data to %v without a KMS key (data_capture.kms_key_id)", [c.name, object.get(_data_capture(c), "destination_s3_uri", null)])
}

unknown contains data.auditor.lib.result.unknown(c, path) if {
	some c in input.resources.aws_sagemaker_endpoint_configuration
	not is_string(_data_capture(c).kms_key_id)
	not _data_capture(c).enabled == false
	some path in data.auditor.lib.util.unknown_paths(c, "data_capture")
}

# --- notebook instances ----------------------------------------------------------------------

deny contains data.auditor.lib.result.fail(n, msg, "kms_key_id", null) if {
	some n in input.resources.aws_sagemaker_notebook_instance
	_no_key(n, "kms_key_id")
	msg := sprintf("SageMaker notebook instance %s names no KMS key (kms_key_id) for its storage volume", [n.name])
}

unknown contains data.auditor.lib.result.unknown(n, path) if {
	some n in input.resources.aws_sagemaker_notebook_instance
	some path in data.auditor.lib.util.unknown_paths(n, "kms_key_id")
}

# --- training jobs ----------------------------------------------------------------------------

deny contains data.auditor.lib.result.fail(j, msg, "volume_kms_key_id", null) if {
	some j in input.resources.aws_sagemaker_training_job
	_no_key(j, "volume_kms_key_id")
	not data.auditor.lib.util.is_unknown(j, "instance_type")
	not _local_storage(object.get(j.attributes, "instance_type", null))
	msg := sprintf("SageMaker training job %s (%v) names no KMS key for its training volumes (volume_kms_key_id)", [j.name, object.get(j.attributes, "instance_type", null)])
}

deny contains data.auditor.lib.result.fail(j, msg, "output_kms_key_id", null) if {
	some j in input.resources.aws_sagemaker_training_job
	_no_key(j, "output_kms_key_id")
	msg := sprintf("SageMaker training job %s writes its model artifacts to %v without a KMS key (output_kms_key_id)", [j.name, object.get(j.attributes, "output_s3_uri", null)])
}

unknown contains data.auditor.lib.result.unknown(j, path) if {
	some j in input.resources.aws_sagemaker_training_job
	some field in ["volume_kms_key_id", "output_kms_key_id"]
	some path in data.auditor.lib.util.unknown_paths(j, field)
}

unknown contains data.auditor.lib.result.unknown(j, path) if {
	some j in input.resources.aws_sagemaker_training_job
	_no_key(j, "volume_kms_key_id")
	some path in data.auditor.lib.util.unknown_paths(j, "instance_type")
}
