# METADATA
# title: Cluster control-plane audit logs are on
# description: |
#   Every EKS cluster sends its Kubernetes API audit log to CloudWatch Logs
#   (enabled_log_types includes "audit"), so that who read a model-serving Secret,
#   exec'd into a GPU pod or changed a workload can be established afterwards.
#   Fails: enabled_log_types is empty, not set (EKS enables no control-plane log by
#   default) or lacks "audit".
#   Unknown: enabled_log_types is unknown.
# custom:
#   id: LOG-03
#   severity: medium
#   domain: logging
#   resource_kinds: [aws_eks_cluster]
#   frameworks:
#     nist-sp-800-53-r5: [AU-2, AU-12]
#     iso-27001-2022: [A.8.15]
#   remediation: >-
#     Terraform `aws_eks_cluster.enabled_cluster_log_types = ["api", "audit",
#     "authenticator"]` (EKS API `UpdateClusterConfig --logging
#     '{"clusterLogging":[{"types":["audit"],"enabled":true}]}'`), and set a retention
#     on the `/aws/eks/<cluster>/cluster` log group.
package auditor.controls.log_03

import rego.v1

applicable contains id if some id, _ in input.resources.aws_eks_cluster

_types(c) := data.auditor.lib.util.as_array(object.get(c.attributes, "enabled_log_types", null))

_audit(c) if {
	some t in _types(c)
	data.auditor.lib.util.lower_str(t) == "audit"
}

deny contains data.auditor.lib.result.fail(c, msg, "enabled_log_types", _types(c)) if {
	some c in input.resources.aws_eks_cluster
	not data.auditor.lib.util.is_unknown(c, "enabled_log_types")
	not _audit(c)
	msg := sprintf("EKS cluster %s does not send its API audit log to CloudWatch (enabled_log_types: %v)", [c.name, _types(c)])
}

unknown contains data.auditor.lib.result.unknown(c, path) if {
	some c in input.resources.aws_eks_cluster
	not _audit(c)
	some path in data.auditor.lib.util.unknown_paths(c, "enabled_log_types")
}
