# METADATA
# title: Registries scan on push and have immutable tags
# description: |
#   Every ECR repository scans images when they are pushed and refuses to move a tag
#   to another image, so that a vulnerable or tampered image is flagged before it
#   serves a model and a deployed tag always names the image that was reviewed.
#   Fails: scan_on_push is false or not set (the default is false);
#   image_tag_mutability is MUTABLE, not set (the default is MUTABLE), or
#   IMMUTABLE_WITH_EXCLUSION (tags matching the exclusion filters stay mutable).
#   Unknown: the deciding attribute is unknown.
#   Limits: a registry-level scanning configuration (enhanced scanning with Amazon
#   Inspector, or basic scanning rules) overrides the repository's scan_on_push; it is
#   not collected yet, so such a registry's repositories are judged on their own
#   setting.
# custom:
#   id: IMG-06
#   severity: medium
#   domain: images
#   resource_kinds: [aws_ecr_repository]
#   frameworks:
#     nist-sp-800-53-r5: [RA-5, SI-7]
#     iso-27001-2022: [A.8.8]
#     owasp-llm-2025: [LLM03:2025]
#     mitre-atlas: [AML.M0016, AML.M0014]
#   remediation: >-
#     Terraform `aws_ecr_repository { image_tag_mutability = "IMMUTABLE"
#     image_scanning_configuration { scan_on_push = true } }` (ECR API
#     `PutImageTagMutability --image-tag-mutability IMMUTABLE`,
#     `PutImageScanningConfiguration --image-scanning-configuration scanOnPush=true`),
#     or registry-wide `aws_ecr_registry_scanning_configuration { scan_type = "ENHANCED"
#     rule { scan_frequency = "SCAN_ON_PUSH" ... } }`.
package auditor.controls.img_06

import rego.v1

applicable contains id if some id, _ in input.resources.aws_ecr_repository

_repo_name(r) := object.get(r.attributes, "repository_name", r.name)

deny contains data.auditor.lib.result.fail(r, msg, "scan_on_push", value) if {
	some r in input.resources.aws_ecr_repository
	not data.auditor.lib.util.is_unknown(r, "scan_on_push")
	value := object.get(r.attributes, "scan_on_push", null)
	value != true
	msg := sprintf("ECR repository %v does not scan images on push (scan_on_push %v)", [_repo_name(r), _text(value)])
}

_text(null) := "not set: the default is false"

_text(value) := sprintf("%v", [value]) if value != null

deny contains data.auditor.lib.result.fail(r, msg, "image_tag_mutability", value) if {
	some r in input.resources.aws_ecr_repository
	not data.auditor.lib.util.is_unknown(r, "image_tag_mutability")
	value := object.get(r.attributes, "image_tag_mutability", null)
	not data.auditor.lib.util.upper_str(value) == "IMMUTABLE"
	msg := sprintf("ECR repository %v has mutable tags (image_tag_mutability %s)", [_repo_name(r), _mutability_text(value)])
}

_mutability_text(null) := "not set: the default is MUTABLE"

_mutability_text(value) := sprintf("%v: tags matching the exclusion filters can be moved", [value]) if {
	data.auditor.lib.util.upper_str(value) == "IMMUTABLE_WITH_EXCLUSION"
}

_mutability_text(value) := sprintf("%v", [value]) if {
	value != null
	not data.auditor.lib.util.upper_str(value) == "IMMUTABLE_WITH_EXCLUSION"
}

unknown contains data.auditor.lib.result.unknown(r, path) if {
	some r in input.resources.aws_ecr_repository
	some field in ["scan_on_push", "image_tag_mutability"]
	some path in data.auditor.lib.util.unknown_paths(r, field)
}
