# METADATA
# title: Model images pinned by digest
# description: |
#   Every container image that serves or trains a model is referenced by digest
#   (`@sha256:<64 hex>`), so that what runs is exactly what was reviewed and scanned:
#   never `:latest`, never untagged (which pulls latest), and not a bare tag, which can
#   be moved to another image. A reference with both a tag and a digest passes (the
#   digest wins).
#   Judged now: SageMaker models (every container's `image`); a container without an
#   image (a model package, say) is not judged. Kubernetes workloads in AI scope (AI
#   workloads and every workload in an AI namespace; lib/k8s.rego): every container's
#   image, init and ephemeral containers included. ECS task definitions join when
#   their kind exists.
#   Unknown: the containers, or a container's image, are unknown.
# custom:
#   id: IMG-04
#   severity: low
#   domain: images
#   resource_kinds: [aws_sagemaker_model, k8s_workload, k8s_namespace, k8s_inference_service]
#   frameworks:
#     nist-sp-800-53-r5: [SR-11, SI-7]
#     iso-27001-2022: [A.8.19]
#     owasp-llm-2025: [LLM03:2025]
#     mitre-atlas: [AML.M0014]
#   remediation: >-
#     Reference images by digest: Terraform `aws_sagemaker_model.primary_container.image`
#     / `container.image` = "<registry>/<repository>@sha256:<digest>" (SageMaker API
#     `CreateModel` `PrimaryContainer.Image`); resolve the digest in CI (`docker
#     buildx imagetools inspect`, `aws ecr describe-images`) and make the ECR
#     repository's tags immutable. Kubernetes: `image:
#     <registry>/<repository>@sha256:<digest>` in each container of the pod template
#     (`kustomize edit set image`, or Helm values holding the digest).
package auditor.controls.img_04

import rego.v1

applicable contains id if some id, _ in input.resources.aws_sagemaker_model

deny contains data.auditor.lib.result.fail(model, msg, path, image) if {
	some model in input.resources.aws_sagemaker_model
	some i, container in data.auditor.lib.util.as_array(model.attributes.containers)
	path := data.auditor.lib.util.path(["containers", i, "image"])
	not data.auditor.lib.util.is_unknown(model, path)
	image := container.image
	is_string(image)
	not data.auditor.lib.image.digest_pinned(image)
	msg := sprintf("container %d image %s is not pinned by digest: %s", [i, image, data.auditor.lib.image.unpinned_reason(image)])
}

unknown contains data.auditor.lib.result.unknown(model, path) if {
	some model in input.resources.aws_sagemaker_model
	some path in data.auditor.lib.util.unknown_paths(model, "containers")
	_deciding(split(path, "."))
}

_deciding(parts) if count(parts) <= 2

_deciding(parts) if parts[2] == "image"

# ==== Kubernetes workloads ======================================================================

applicable contains id if some id in data.auditor.lib.k8s.ai_scope_workload_ids

deny contains data.auditor.lib.result.fail(w, msg, path, image) if {
	some id in data.auditor.lib.k8s.ai_scope_workload_ids
	w := input.resources.k8s_workload[id]
	some entry in data.auditor.lib.k8s.containers(w)
	path := concat(".", [entry.path, "image"])
	not data.auditor.lib.util.is_unknown(w, path)
	image := entry.container.image
	is_string(image)
	not data.auditor.lib.image.digest_pinned(image)
	msg := sprintf("%s %s: %s image %s is not pinned by digest: %s", [w.attributes.workload_kind, w.attributes.name, entry.label, image, data.auditor.lib.image.unpinned_reason(image)])
}

unknown contains data.auditor.lib.result.unknown(w, path) if {
	some id in data.auditor.lib.k8s.ai_scope_workload_ids
	w := input.resources.k8s_workload[id]
	some path in data.auditor.lib.k8s.unknown_container_paths(w, {"image"})
}
