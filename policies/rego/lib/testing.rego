# METADATA
# title: Test fixtures
# description: |
#   Helpers for the policies' _test.rego files only; no control reads them. `config`
#   mirrors auditor.config.DEFAULT_CONTROLS_CONFIG (the value the auditor passes as
#   data.auditor.config at run time): tests pass it explicitly with
#   `with data.auditor.config as testing.config`, and override single keys with
#   `object.union(testing.config, {...})`.
package auditor.lib.testing

import rego.v1

config := {
	"ai_tag_keys": ["ai-workload", "ml-workload"],
	"ai_data_tag_keys": ["model-artifacts", "training-data", "ai-data"],
	"aws_ai_instance_families": ["p", "g", "gr", "inf", "trn", "dl"],
	"gcp_ai_machine_families": ["a2", "a3", "a4", "g2"],
	"admin_ports": [22, 3389, 2375, 2376, 6443, 10250, 8888],
	"public_lb_ports": [443],
	"elb_tls_policies": [],
	"gcp_ssl_min_tls_versions": ["TLS_1_2", "TLS_1_3"],
	"gcp_ssl_profiles": ["MODERN", "RESTRICTED"],
	"gpu_namespaces": [],
	"allowed_registries": [],
	"k8s_gpu_resources": ["nvidia.com/gpu", "nvidia.com/mig-*", "amd.com/gpu", "gpu.intel.com/*", "habana.ai/gaudi", "aws.amazon.com/neuron", "aws.amazon.com/neuroncore", "google.com/tpu"],
	"k8s_gpu_node_label_keys": ["nvidia.com/gpu.present", "cloud.google.com/gke-accelerator", "k8s.amazonaws.com/accelerator", "feature.node.kubernetes.io/pci-10de.present"],
	"k8s_ai_label_keys": ["serving.kserve.io/inferenceservice"],
	"k8s_internal_lb_annotations": {
		"service.beta.kubernetes.io/aws-load-balancer-scheme": ["internal"],
		"service.beta.kubernetes.io/aws-load-balancer-internal": ["*"],
		"networking.gke.io/load-balancer-type": ["internal"],
		"cloud.google.com/load-balancer-type": ["internal"],
		"service.beta.kubernetes.io/azure-load-balancer-internal": ["true"],
		"service.beta.kubernetes.io/oci-load-balancer-internal": ["true"],
		"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": ["private"],
	},
	"k8s_forbidden_host_paths": ["/", "/dev", "/proc", "/sys", "/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd", "/run/containerd", "/var/run/crio", "/var/lib/kubelet", "/etc"],
	"istio_root_namespace": "istio-system",
	"ai_vpc_endpoint_services": ["sagemaker.api", "sagemaker.runtime", "bedrock-runtime", "s3"],
	"inference_integration_markers": ["runtime.sagemaker", "bedrock-runtime"],
	"guardduty_runtime_features": ["RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"],
	"inference_log_group_prefixes": ["/aws/sagemaker/"],
	"log_retention_max_days": 365,
	"sagemaker_local_storage_families": ["c5d", "m5d", "r5d", "g4dn", "g5", "g6", "g6e", "p3dn", "p4d", "p4de", "p5", "trn1", "trn1n"],
}

# resource(kind, id, attributes): a normalised resource in the test account and region.
resource(kind, id, attributes) := {
	"id": id,
	"kind": kind,
	"name": id,
	"source": _source(kind),
	"scope": _scope(kind),
	"account": _account(kind),
	"region": _region(kind),
	"attributes": attributes,
	"tags": {},
	"unknown": {},
}

_source(kind) := "gcp" if startswith(kind, "google_")

_source(kind) := "aws" if not startswith(kind, "google_")

_scope(kind) := "gcp:ml-project" if startswith(kind, "google_")

_scope(kind) := "aws:123456789012" if not startswith(kind, "google_")

_account(kind) := "ml-project" if startswith(kind, "google_")

_account(kind) := "123456789012" if not startswith(kind, "google_")

_region(kind) := "us-central1" if startswith(kind, "google_")

_region(kind) := "us-east-1" if not startswith(kind, "google_")

# tagged(r, tags) / unknown(r, paths) / patched(r, fields): r with its tags, its unknown
# map or other top-level fields replaced.
tagged(r, tags) := object.union(r, {"tags": tags})

unknown(r, paths) := object.union(r, {"unknown": paths})

patched(r, fields) := object.union(r, fields)

# input_of(resources): the evaluation input holding the resources, keyed by kind and id.
input_of(resources) := {"resources": by_kind} if {
	kinds := {r.kind | some r in resources}
	by_kind := {kind: members | some kind in kinds; members := {r.id: r | some r in resources; r.kind == kind}}
}

# verdict(results, id): what the auditor reports for resource `id`, given a control's
# rule values {"applicable": ..., "deny": ..., "unknown": ...}: "fail" (denied),
# "error" (unknown, not denied), "pass" (applicable, neither), "not applicable";
# "inconsistent" when a denied or unknown resource is not applicable.
verdict(results, id) := "inconsistent" if {
	_reported(results, id)
	not id in results.applicable
}

verdict(results, id) := "fail" if {
	id in results.applicable
	_denied(results, id)
}

verdict(results, id) := "error" if {
	id in results.applicable
	not _denied(results, id)
	_unknown(results, id)
}

verdict(results, id) := "pass" if {
	id in results.applicable
	not _reported(results, id)
}

verdict(results, id) := "not applicable" if {
	not id in results.applicable
	not _reported(results, id)
}

_denied(results, id) if {
	some d in results.deny
	d.resource == id
}

_unknown(results, id) if {
	some u in results.unknown
	u.resource == id
}

_reported(results, id) if _denied(results, id)

_reported(results, id) if _unknown(results, id)
