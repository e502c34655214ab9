# METADATA
# title: Kubernetes classification and pod-spec helpers
# description: |
#   What counts as AI on a Kubernetes cluster (CONTROLS.md, "AI resource"), tunable
#   through data.auditor.config, and the pod-spec reading every workload control shares:
#   - A GPU workload requests a device of `k8s_gpu_resources` (nvidia.com/gpu,
#     amd.com/gpu, MIG slices, ...) with a non-zero quantity in the requests OR the
#     limits of any container (init containers included): Kubernetes copies limits of
#     extended resources into requests, so a GPU in limits only is a GPU request.
#   - An AI workload is a GPU workload, or one whose labels or pod labels carry an
#     `ai_tag_keys` / `k8s_ai_label_keys` key (KServe's
#     serving.kserve.io/inferenceservice), or one that selects a GPU node pool
#     (`k8s_gpu_node_label_keys` in its nodeSelector or required node affinity).
#   - An AI namespace runs an AI workload or a KServe InferenceService, or carries an
#     `ai_tag_keys` label. Workloads in AI scope: AI workloads and every workload
#     sharing an AI namespace (the namespace is the security boundary of the service).
#   - An AI service is a Service selecting the pods of an AI workload in its namespace,
#     or carrying an `ai_tag_keys` label.
#   - A GPU node has a `k8s_gpu_resources` device in its capacity or allocatable, or a
#     `k8s_gpu_node_label_keys` label.
#   Effective securityContext: runAsNonRoot, runAsUser, runAsGroup and seccompProfile
#   set on a container override the pod-level value (Kubernetes precedence); the other
#   fields exist on the container only.
package auditor.lib.k8s

import rego.v1

# --- pod spec ------------------------------------------------------------------------------

# pod(w): the workload's normalised pod spec ({} when absent or not an object).
pod(w) := data.auditor.lib.util.as_object(object.get(data.auditor.lib.util.as_object(w.attributes), "pod", {}))

_container_fields := ["containers", "init_containers", "ephemeral_containers"]

# containers(w): every container of the pod spec, init and ephemeral ones included, as
# {"path": "pod.<field>.<i>", "container": c, "label": "<field> <name>"}.
containers(w) := [entry |
	spec := pod(w)
	some field in _container_fields
	some i, c in data.auditor.lib.util.as_array(object.get(spec, field, []))
	is_object(c)
	entry := {"path": sprintf("pod.%s.%d", [field, i]), "container": c, "label": _label(field, c, i)}
]

_label(field, c, _) := sprintf("%s %s", [_singular[field], c.name]) if is_string(c.name)

_label(field, c, i) := sprintf("%s #%d", [_singular[field], i]) if not is_string(c.name)

_singular := {"containers": "container", "init_containers": "init container", "ephemeral_containers": "ephemeral container"}

# container_sc(c): the container's securityContext ({} when not set).
container_sc(c) := data.auditor.lib.util.as_object(object.get(c, "security_context", {}))

# pod_sc(w): the pod-level securityContext ({} when not set).
pod_sc(w) := data.auditor.lib.util.as_object(object.get(pod(w), "security_context", {}))

# effective(w, c, field): the container's value when set (not null), else the pod's;
# undefined when neither sets it. For run_as_non_root, run_as_user, run_as_group and
# seccomp_profile, which exist at both levels.
effective(_, c, field) := v if {
	v := container_sc(c)[field]
	v != null
}

effective(w, c, field) := v if {
	object.get(container_sc(c), field, null) == null
	v := pod_sc(w)[field]
	v != null
}

# effective_source(w, c, field): "container" or "pod", where the effective value is set.
effective_source(_, c, field) := "container" if object.get(container_sc(c), field, null) != null

effective_source(w, c, field) := "pod" if {
	object.get(container_sc(c), field, null) == null
	object.get(pod_sc(w), field, null) != null
}

# --- GPUs ----------------------------------------------------------------------------------

# gpu_resource(name): the extended resource is a GPU/accelerator.
gpu_resource(name) if name in data.auditor.config.k8s_gpu_resources

gpu_resource(name) if {
	some entry in data.auditor.config.k8s_gpu_resources
	endswith(entry, "*")
	startswith(name, trim_suffix(entry, "*"))
}

# positive(q): a quantity that is more than zero ("1", "2"; not "0", "", "0m").
positive(q) if {
	is_string(q)
	not trim_space(q) in {"", "0", "0m", "0.0"}
	not startswith(trim_space(q), "-")
}

positive(q) if {
	is_number(q)
	q > 0
}

# gpu_requests(w): the GPU resource names the workload's containers ask for, in requests
# or in limits.
gpu_requests(w) := {name |
	some entry in containers(w)
	res := data.auditor.lib.util.as_object(object.get(entry.container, "resources", {}))
	some section in ["requests", "limits"]
	some name, q in data.auditor.lib.util.as_object(object.get(res, section, {}))
	gpu_resource(name)
	positive(q)
}

gpu_workload(w) if count(gpu_requests(w)) > 0

gpu_workload_ids contains id if {
	some id, w in input.resources.k8s_workload
	gpu_workload(w)
}

# --- AI workloads and namespaces -----------------------------------------------------------

_labelled(labels, keys) if {
	some key in keys
	value := labels[key]
	not _says_no(value)
}

_says_no(value) if {
	is_string(value)
	lower(trim_space(value)) in {"false", "no", "0", "off"}
}

_says_no(value) if value == false

_ai_label_keys := array.concat(data.auditor.config.ai_tag_keys, data.auditor.config.k8s_ai_label_keys)

_ai_workload(w) if gpu_workload(w)

_ai_workload(w) if _labelled(data.auditor.lib.util.as_object(w.tags), _ai_label_keys)

_ai_workload(w) if _labelled(data.auditor.lib.util.as_object(w.attributes.pod_labels), _ai_label_keys)

_ai_workload(w) if {
	some key, _ in data.auditor.lib.util.as_object(object.get(pod(w), "node_selector", {}))
	key in data.auditor.config.k8s_gpu_node_label_keys
}

_ai_workload(w) if {
	some key in data.auditor.lib.util.as_array(object.get(pod(w), "node_affinity_label_keys", []))
	key in data.auditor.config.k8s_gpu_node_label_keys
}

ai_workload_ids contains id if {
	some id, w in input.resources.k8s_workload
	_ai_workload(w)
}

# namespace_of(r): the namespace a namespaced k8s resource lives in.
namespace_of(r) := ns if {
	ns := r.attributes.namespace
	is_string(ns)
}

# ai_namespaces: namespace names running AI (workloads, InferenceServices, AI labels).
ai_namespaces contains ns if {
	some id in ai_workload_ids
	ns := namespace_of(input.resources.k8s_workload[id])
}

ai_namespaces contains ns if {
	some isvc in input.resources.k8s_inference_service
	ns := namespace_of(isvc)
}

ai_namespaces contains ns if {
	some n in input.resources.k8s_namespace
	_labelled(data.auditor.lib.util.as_object(n.tags), data.auditor.config.ai_tag_keys)
	ns := n.attributes.name
	is_string(ns)
}

# gpu_namespaces_in_use[namespace]: the GPU resource names its workloads request.
gpu_namespaces_in_use[ns] := names if {
	some ns in {namespace_of(input.resources.k8s_workload[id]) | some id in gpu_workload_ids}
	names := {name |
		some id in gpu_workload_ids
		w := input.resources.k8s_workload[id]
		namespace_of(w) == ns
		some name in gpu_requests(w)
	}
}

# ai_scope_workload_ids: the workloads the image and pod-hardening controls judge: AI
# workloads and every workload in an AI namespace.
ai_scope_workload_ids contains id if some id in ai_workload_ids

ai_scope_workload_ids contains id if {
	some id, w in input.resources.k8s_workload
	namespace_of(w) in ai_namespaces
}

# namespace_id(name): the id of the k8s_namespace resource with this name.
namespace_id(name) := id if {
	some id, n in input.resources.k8s_namespace
	n.attributes.name == name
}

# --- services --------------------------------------------------------------------------------

# selects(selector, labels): a non-empty equality selector all of whose pairs the labels hold.
selects(selector, labels) if {
	is_object(selector)
	count(selector) > 0
	is_object(labels)
	every k, v in selector {
		labels[k] == v
	}
}

# service_ai_workloads(svc): the AI workloads (ids) whose pods the Service selects.
service_ai_workloads(svc) := {id |
	some id in ai_workload_ids
	w := input.resources.k8s_workload[id]
	namespace_of(w) == namespace_of(svc)
	selects(svc.attributes.selector, w.attributes.pod_labels)
}

ai_service_ids contains id if {
	some id, svc in input.resources.k8s_service
	count(service_ai_workloads(svc)) > 0
}

ai_service_ids contains id if {
	some id, svc in input.resources.k8s_service
	_labelled(data.auditor.lib.util.as_object(svc.tags), data.auditor.config.ai_tag_keys)
}

# ai_service_names[namespace]: names of the AI services of each namespace.
ai_service_names[ns] := names if {
	some ns in {namespace_of(input.resources.k8s_service[id]) | some id in ai_service_ids}
	names := {input.resources.k8s_service[id].attributes.name |
		some id in ai_service_ids
		namespace_of(input.resources.k8s_service[id]) == ns
	}
}

# --- nodes -------------------------------------------------------------------------------------

gpu_node(n) if {
	some section in ["capacity", "allocatable"]
	some name, q in data.auditor.lib.util.as_object(object.get(data.auditor.lib.util.as_object(n.attributes), section, {}))
	gpu_resource(name)
	positive(q)
}

gpu_node(n) if {
	some key, _ in data.auditor.lib.util.as_object(n.tags)
	key in data.auditor.config.k8s_gpu_node_label_keys
}

gpu_node_ids contains id if {
	some id, n in input.resources.k8s_node
	gpu_node(n)
}

# --- unknown facts -----------------------------------------------------------------------------

# unknown_container_paths(w, fields): unknown paths of the workload that hide a
# container's `fields` (security_context, image, resources...), the pod-level
# securityContext, or whole container lists. Reported by the controls as `unknown`.
unknown_container_paths(w, fields) := {p |
	some p in data.auditor.lib.util.unknown_paths(w, "pod")
	_hides(split(p, "."), fields)
}

_hides(parts, _) if count(parts) == 1

_hides(parts, _) if {
	count(parts) <= 3
	parts[1] in _container_fields
}

_hides(parts, fields) if {
	count(parts) > 3
	parts[1] in _container_fields
	parts[3] in fields
}

_hides(parts, fields) if {
	count(parts) >= 2
	parts[1] == "security_context"
	"security_context" in fields
}

_hides(parts, fields) if {
	count(parts) >= 2
	parts[1] == "security_context"
	"pod_security_context" in fields
}

# unresolved_workload_ids: workloads not known to be GPU workloads whose container
# resources are unknown: whether they ask for GPUs cannot be told.
unresolved_workload_ids contains id if {
	some id, w in input.resources.k8s_workload
	count(object.get(w, "unknown", {})) > 0
	not gpu_workload(w)
	count(unknown_container_paths(w, {"resources"})) > 0
}

# positive_or_zero(q): a quantity given at all (a quota of "0" caps GPUs too: none).
positive_or_zero(q) if {
	is_string(q)
	trim_space(q) != ""
}

positive_or_zero(q) if is_number(q)
