# METADATA
# title: Threat detection with runtime monitoring is on where AI compute runs
# description: |
#   Every region that runs AI compute (AI instances, SageMaker notebook instances,
#   training jobs and endpoints, EKS clusters with GPU node groups; lib/ai_aws.rego) has
#   a GuardDuty detector that is enabled and has one of `guardduty_runtime_features`
#   (RUNTIME_MONITORING, EKS_RUNTIME_MONITORING) ENABLED, so that crypto-mining on GPU
#   hosts and containers and other runtime abuse raise findings.
#   Judged: each AI compute resource, against the detectors of its account and region
#   (the same scope; a side that names no account or region matches any).
#   Fails: no detector there (the failure rests on the absence of a detector: where
#   aws_guardduty_detector was not collected in that account and region it is error,
#   not fail); or no detector is enabled with a runtime monitoring feature.
#   Unknown: no detector passes and one's `enabled` or `features` is unknown.
# custom:
#   id: GPU-07
#   severity: medium
#   domain: gpu
#   resource_kinds: [aws_guardduty_detector, aws_instance, aws_sagemaker_notebook_instance, aws_sagemaker_training_job, aws_sagemaker_endpoint, aws_eks_cluster, aws_eks_node_group]
#   frameworks:
#     nist-sp-800-53-r5: [SI-4]
#     iso-27001-2022: [A.8.16]
#   remediation: >-
#     Enable GuardDuty in every region with AI compute and turn on Runtime Monitoring:
#     Terraform `aws_guardduty_detector { enable = true }` and
#     `aws_guardduty_detector_feature { name = "RUNTIME_MONITORING", status = "ENABLED"
#     additional_configuration { name = "EKS_ADDON_MANAGEMENT", status = "ENABLED" } }`
#     (plus `EC2_AGENT_MANAGEMENT` for GPU instances); GuardDuty API `CreateDetector` /
#     `UpdateDetector --features`. In an organization, use
#     `aws_guardduty_organization_configuration_feature` to enable it for every member.
package auditor.controls.gpu_07

import rego.v1

_compute := data.auditor.lib.ai_aws.compute

applicable contains id if {
	some ids in _compute
	some id in ids
}

_resource(kind, id) := input.resources[kind][id]

_label := {
	"aws_instance": "AI instance",
	"aws_sagemaker_notebook_instance": "SageMaker notebook instance",
	"aws_sagemaker_training_job": "SageMaker training job",
	"aws_sagemaker_endpoint": "SageMaker endpoint",
	"aws_eks_cluster": "EKS cluster with GPU nodes",
}

_where(r) := concat("/", [x | some x in [object.get(r, "account", null), object.get(r, "region", null)]; is_string(x)])

# _detectors(r): the detectors in r's scope, account and region. Computed once per
# distinct place and looked up: a comprehension per resource (called several times
# each) dominated the control on large accounts.
# The AI compute with its place (scope, account, region), and the detectors and their
# verdict per place, each computed once: looking them up per resource (several times
# each) dominated the control on large accounts.
_members contains [kind, id, data.auditor.lib.ebs.place(input.resources[kind][id])] if {
	some kind, ids in _compute
	some id in ids
}

_places contains place if some [_, _, place] in _members

_detectors_at := {place: ids |
	some place in _places
	ids := {id | some id, d in input.resources.aws_guardduty_detector; data.auditor.lib.ebs.same_place(d, place)}
}

_runtime_feature(d) if {
	some f in data.auditor.lib.util.as_array(object.get(d.attributes, "features", null))
	f.name in data.auditor.config.guardduty_runtime_features
	data.auditor.lib.util.upper_str(f.status) == "ENABLED"
}

_good(d) if {
	d.attributes.enabled == true
	_runtime_feature(d)
}

_doubtful(d) if {
	not d.attributes.enabled == false
	data.auditor.lib.util.is_unknown(d, "enabled")
}

_doubtful(d) if {
	not d.attributes.enabled == false
	not _runtime_feature(d)
	data.auditor.lib.util.is_unknown(d, "features")
}

_passing_places contains place if {
	some place, ids in _detectors_at
	some id in ids
	_good(input.resources.aws_guardduty_detector[id])
}

_doubtful_places contains place if {
	some place, ids in _detectors_at
	some id in ids
	_doubtful(input.resources.aws_guardduty_detector[id])
}

deny contains data.auditor.lib.result.fail_absent(r, msg, "aws_guardduty_detector", null, ["aws_guardduty_detector"]) if {
	some [kind, id, place] in _members
	count(_detectors_at[place]) == 0
	r := _resource(kind, id)
	msg := sprintf("%s %s runs in %s, where no GuardDuty detector watches for crypto-mining and runtime abuse", [_label[kind], r.name, _where(r)])
}

deny contains data.auditor.lib.result.fail(r, msg, attribute, value) if {
	some [kind, id, place] in _members
	detectors := _detectors_at[place]
	count(detectors) > 0
	not place in _passing_places
	not place in _doubtful_places
	r := _resource(kind, id)
	some did in detectors
	d := input.resources.aws_guardduty_detector[did]
	[attribute, value, why] := _shortfall(d)
	msg := sprintf("%s %s runs in %s, where GuardDuty detector %s %s", [_label[kind], r.name, _where(r), d.name, why])
}

_shortfall(d) := [concat("#", [d.id, "enabled"]), false, "is not enabled"] if d.attributes.enabled != true

_shortfall(d) := [concat("#", [d.id, "features"]), names, why] if {
	d.attributes.enabled == true
	names := sort([sprintf("%v=%v", [f.name, f.status]) | some f in data.auditor.lib.util.as_array(object.get(d.attributes, "features", null))])
	why := sprintf("has none of %s enabled", [concat(", ", data.auditor.config.guardduty_runtime_features)])
}

unknown contains data.auditor.lib.result.unknown_because(r, "aws_guardduty_detector", why) if {
	some [kind, id, place] in _members
	not place in _passing_places
	place in _doubtful_places
	r := _resource(kind, id)
	why := sprintf("whether GuardDuty runtime monitoring is on in %s is unknown: %s", [_where(r), concat("; ", sort(_reasons(place)))])
}

_reasons(place) := {sprintf("%s %s unknown (%s)", [did, p, reason]) |
	some did in _detectors_at[place]
	d := input.resources.aws_guardduty_detector[did]
	some p, reason in data.auditor.lib.util.as_object(d.unknown)
}
