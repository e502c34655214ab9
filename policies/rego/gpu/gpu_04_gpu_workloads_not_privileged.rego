# METADATA
# title: GPU workloads are not privileged and do not share the host
# description: |
#   Workloads that request GPUs (lib/k8s.rego) run no privileged container (init and
#   ephemeral containers included), do not share the node's PID, IPC or network
#   namespaces (`hostPID`, `hostIPC`, `hostNetwork`), and mount no hostPath of
#   `k8s_forbidden_host_paths` (`/dev`, the container runtime sockets, `/proc`,
#   `/sys`, ..., or anything under them). A GPU pod that escapes to its node reaches
#   every model and dataset of every tenant scheduled there.
#   Unknown: the deciding fields of the pod spec are unknown.
# custom:
#   id: GPU-04
#   severity: critical
#   domain: gpu
#   resource_kinds: [k8s_workload]
#   frameworks:
#     nist-sp-800-53-r5: [AC-6, CM-7]
#     iso-27001-2022: [A.8.2, A.8.9]
#     mitre-atlas: [AML.M0005]
#   remediation: >-
#     In the pod template set `securityContext.privileged: false` on every container,
#     remove `hostPID`, `hostIPC` and `hostNetwork`, and replace hostPath volumes of
#     /dev or runtime sockets by the device plugin's resource request
#     (`resources.limits: {nvidia.com/gpu: 1}`): the NVIDIA and AMD device plugins
#     expose the devices without privilege.
package auditor.controls.gpu_04

import rego.v1

applicable contains id if some id in data.auditor.lib.k8s.gpu_workload_ids

_w(id) := input.resources.k8s_workload[id]

deny contains data.auditor.lib.result.fail(w, msg, path, true) if {
	some id in data.auditor.lib.k8s.gpu_workload_ids
	w := _w(id)
	some entry in data.auditor.lib.k8s.containers(w)
	data.auditor.lib.k8s.container_sc(entry.container).privileged == true
	path := concat(".", [entry.path, "security_context.privileged"])
	msg := sprintf("GPU workload %s: %s is privileged", [w.attributes.name, entry.label])
}

_host_fields := {"host_pid": "hostPID", "host_ipc": "hostIPC", "host_network": "hostNetwork"}

deny contains data.auditor.lib.result.fail(w, msg, concat(".", ["pod", field]), true) if {
	some id in data.auditor.lib.k8s.gpu_workload_ids
	w := _w(id)
	some field, name in _host_fields
	data.auditor.lib.k8s.pod(w)[field] == true
	msg := sprintf("GPU workload %s shares the node's namespaces (%s: true)", [w.attributes.name, name])
}

_forbidden(path) if {
	some p in data.auditor.config.k8s_forbidden_host_paths
	_under(trim_suffix(path, "/"), trim_suffix(p, "/"))
}

_under(path, p) if path == p

_under(path, "") if path == ""

_under(path, p) if {
	p != ""
	startswith(path, concat("", [p, "/"]))
}

deny contains data.auditor.lib.result.fail(w, msg, attr, host) if {
	some id in data.auditor.lib.k8s.gpu_workload_ids
	w := _w(id)
	some i, v in data.auditor.lib.util.as_array(object.get(data.auditor.lib.k8s.pod(w), "volumes", []))
	host := v.host_path
	is_string(host)
	_forbidden(host)
	attr := sprintf("pod.volumes.%d.host_path", [i])
	msg := sprintf("GPU workload %s mounts the node's %s (hostPath volume %v)", [w.attributes.name, host, v.name])
}

unknown contains data.auditor.lib.result.unknown(w, path) if {
	some id in data.auditor.lib.k8s.gpu_workload_ids
	w := _w(id)
	some path in data.auditor.lib.util.unknown_paths(w, "pod")
	_deciding(split(path, "."))
}

_deciding(parts) if count(parts) == 1

_deciding(parts) if parts[1] in {"host_pid", "host_ipc", "host_network", "volumes"}

_deciding(parts) if {
	parts[1] in {"containers", "init_containers", "ephemeral_containers"}
	count(parts) <= 3
}

_deciding(parts) if {
	parts[1] in {"containers", "init_containers", "ephemeral_containers"}
	parts[3] == "security_context"
}
