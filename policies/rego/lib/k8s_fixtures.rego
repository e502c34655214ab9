# METADATA
# title: Kubernetes test fixtures
# description: |
#   Builders of normalised k8s_* resources for the policies' _test.rego files only; no
#   control reads them. Resources are in scope "k8s:test", source "k8s", with their
#   namespace as region, as the collectors make them (auditor/collectors/kubernetes).
package auditor.lib.k8s_fixtures

import rego.v1

# resource(kind, id, namespace, attributes, labels)
resource(kind, id, namespace, attributes, labels) := {
	"id": id,
	"kind": kind,
	"name": id,
	"source": "k8s",
	"scope": "k8s:test",
	"account": null,
	"region": namespace,
	"attributes": attributes,
	"tags": labels,
	"unknown": {},
}

# hardened_container(name, image): a container that passes every container control.
hardened_container(name, image) := {
	"name": name,
	"image": image,
	"env_names": [],
	"resources": {"requests": {}, "limits": {}},
	"security_context": {
		"run_as_non_root": true,
		"run_as_user": 1000,
		"allow_privilege_escalation": false,
		"read_only_root_filesystem": true,
		"privileged": false,
		"capabilities": {"add": [], "drop": ["ALL"]},
		"seccomp_profile": {"type": "RuntimeDefault", "localhost_profile": null},
	},
}

# gpu(c, n): the container with n nvidia.com/gpu in its limits only.
gpu(c, n) := object.union(c, {"resources": {"requests": {}, "limits": {"nvidia.com/gpu": n}}})

# pod_spec(containers): a pod spec with those containers and nothing shared with the host.
pod_spec(containers) := {
	"containers": containers,
	"init_containers": [],
	"ephemeral_containers": [],
	"security_context": null,
	"host_pid": false,
	"host_ipc": false,
	"host_network": false,
	"volumes": [],
	"tolerations": [],
	"node_selector": {},
	"node_affinity_label_keys": [],
}

# workload(id, namespace, pod_labels, pod): a Deployment.
workload(id, namespace, pod_labels, pod) := resource("k8s_workload", id, namespace, {
	"workload_kind": "Deployment",
	"name": id,
	"namespace": namespace,
	"owner": null,
	"pod_labels": pod_labels,
	"annotations": {},
	"pod": pod,
}, {})

# namespace(name, labels)
namespace(name, labels) := resource("k8s_namespace", concat("/", ["Namespace", name]), name, {"name": name, "labels": labels, "annotations": {}, "declared": true}, labels)

# service(id, namespace, type, selector, annotations)
service(id, namespace, type, selector, annotations) := resource("k8s_service", id, namespace, {
	"name": id,
	"namespace": namespace,
	"type": type,
	"selector": selector,
	"annotations": annotations,
	"ports": [{"port": 443, "protocol": "TCP"}],
}, {})

# gpu_deployment(id, namespace): a hardened Deployment asking for one GPU, pods app=<id>.
gpu_deployment(id, namespace) := workload(id, namespace, {"app": id}, pod_spec([gpu(hardened_container("model", _digest_image), "1")]))

_digest_image := "registry.example.com/ml/vllm@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"

# with_unknown(r, paths): r with its unknown map replaced.
with_unknown(r, paths) := object.union(r, {"unknown": paths})

# results(package rules, resources, cfg) helpers live in each test (the package path differs).
