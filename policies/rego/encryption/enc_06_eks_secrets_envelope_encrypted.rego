# METADATA
# title: Kubernetes secrets are envelope-encrypted with a KMS key
# description: |
#   Every EKS cluster encrypts Kubernetes Secrets with a customer KMS key
#   (encryption_config with "secrets" among its resources), so that model-registry
#   tokens, API keys and dataset credentials stored as Secrets need the key as well as
#   etcd access. Since Kubernetes 1.28 EKS also envelope-encrypts all API data with an
#   AWS-owned key by default; that key is neither the owner's to audit nor to revoke,
#   so it does not pass this control.
#   Fails: no encryption_config, or none that lists "secrets".
#   Unknown: encryption_config is unknown.
# custom:
#   id: ENC-06
#   severity: medium
#   domain: encryption
#   resource_kinds: [aws_eks_cluster]
#   frameworks:
#     nist-sp-800-53-r5: [SC-28, SC-28(1), SC-12]
#     iso-27001-2022: [A.8.24]
#     mitre-atlas: [AML.M0012]
#   remediation: >-
#     Terraform `aws_eks_cluster.encryption_config { resources = ["secrets"] provider {
#     key_arn = aws_kms_key.eks.arn } }` (EKS API `AssociateEncryptionConfig`; it cannot
#     be removed once on), then rewrite existing Secrets (`kubectl get secrets -A -o
#     json | kubectl replace -f -`) so that they are encrypted with the key.
package auditor.controls.enc_06

import rego.v1

applicable contains id if some id, _ in input.resources.aws_eks_cluster

_configs(c) := data.auditor.lib.util.as_array(object.get(c.attributes, "encryption_config", null))

_secrets_encrypted(c) if {
	some e in _configs(c)
	some r in data.auditor.lib.util.as_array(e.resources)
	data.auditor.lib.util.lower_str(r) == "secrets"
}

deny contains data.auditor.lib.result.fail(c, msg, "encryption_config", _configs(c)) if {
	some c in input.resources.aws_eks_cluster
	not data.auditor.lib.util.is_unknown(c, "encryption_config")
	not _secrets_encrypted(c)
	msg := sprintf("EKS cluster %s does not envelope-encrypt Kubernetes Secrets with a KMS key (no encryption_config for \"secrets\")", [c.name])
}

unknown contains data.auditor.lib.result.unknown(c, path) if {
	some c in input.resources.aws_eks_cluster
	not _secrets_encrypted(c)
	some path in data.auditor.lib.util.unknown_paths(c, "encryption_config")
}
