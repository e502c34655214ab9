# METADATA
# title: What is an AI resource
# description: |
#   The one classification of AI resources that every control uses (CONTROLS.md,
#   "AI resource"), tunable through data.auditor.config:
#   - AI compute: AWS instances whose family (the letters before the generation digit
#     of the type: p4d.24xlarge -> p, inf2.xlarge -> inf) is in
#     `aws_ai_instance_families`; GCP instances with guest accelerators or a machine
#     family (the part of the machine type before the first "-") in
#     `gcp_ai_machine_families`; any instance carrying an `ai_tag_keys` tag.
#   - SageMaker models, endpoint configurations and endpoints are AI by kind.
#   - A bucket holds model artifacts or training data when a SageMaker model's
#     container model_data_url, or an endpoint configuration's data-capture
#     destination, points into it (matched on the bucket name), or when it carries an
#     `ai_data_tag_keys` or `ai_tag_keys` tag.
#   - A load balancer is in front of an AI service when a listener action forwards to
#     a target group with an AI instance among its targets (or it carries an AI tag).
#   - A security group protects AI compute when an AI instance lists it, or a
#     SageMaker model's vpc_config does.
#   - A GCP firewall rule applies to an AI instance when both are on the same network
#     and the rule's target tags meet the instance's network tags, or its target
#     service accounts include the instance's, or it has no targets at all.
#   An instance whose deciding facts (type, accelerators) are unknown and that carries
#   no AI tag is "unresolved": controls report what would fail on it as unknown,
#   never as a failure, and never silently drop it.
package auditor.lib.ai

import rego.v1

# --- tags -------------------------------------------------------------------------

# tagged(r, keys): r carries one of the tag/label keys with a value that does not say
# no ("false", "no", "0", "off", any case).
tagged(r, keys) if {
	some key in keys
	value := r.tags[key]
	not _says_no(value)
}

_says_no(value) if value == false

_says_no(value) if {
	is_string(value)
	lower(trim_space(value)) in {"false", "no", "0", "off"}
}

has_ai_tag(r) if tagged(r, data.auditor.config.ai_tag_keys)

has_ai_data_tag(r) if tagged(r, data.auditor.config.ai_data_tag_keys)

# --- instance families --------------------------------------------------------------

# aws_instance_family("p4d.24xlarge") == "p"; ("inf2.xlarge") == "inf"; ("m5.large") == "m":
# the letters before the generation digit (no regex: this runs for every instance).
aws_instance_family(instance_type) := family if {
	is_string(instance_type)
	name := lower(instance_type)
	rest := trim_left(name, "abcdefghijklmnopqrstuvwxyz")
	substring(rest, 0, 1) in _digits
	family := substring(name, 0, count(name) - count(rest))
	family != ""
}

_digits := {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

aws_ai_instance_type(instance_type) if {
	aws_instance_family(instance_type) in data.auditor.config.aws_ai_instance_families
}

# gcp_machine_family("a2-highgpu-1g") == "a2" (a full URL is accepted too).
gcp_machine_family(machine_type) := family if {
	name := data.auditor.lib.util.last_segment(machine_type)
	family := lower(split(name, "-")[0])
}

gcp_ai_machine_type(machine_type) if {
	gcp_machine_family(machine_type) in data.auditor.config.gcp_ai_machine_families
}

# --- AI compute -------------------------------------------------------------------

_aws_ai(r) if aws_instance_family(r.attributes.instance_type) in data.auditor.config.aws_ai_instance_families

_aws_ai(r) if {
	r.tags != {}
	has_ai_tag(r)
}

_gcp_ai(r) if {
	r.tags != {}
	has_ai_tag(r)
}

_gcp_ai(r) if gcp_ai_machine_type(r.attributes.machine_type)

_gcp_ai(r) if {
	some accelerator in data.auditor.lib.util.as_array(r.attributes.guest_accelerators)
	not _zero(accelerator)
}

_zero(accelerator) if accelerator["count"] == 0

# aws_instance_ids / gcp_instance_ids: the AI instances (resource ids).
aws_instance_ids contains id if {
	some id, r in input.resources.aws_instance
	_aws_ai(r)
}

gcp_instance_ids contains id if {
	some id, r in input.resources.google_compute_instance
	_gcp_ai(r)
}

instance_ids := aws_instance_ids | gcp_instance_ids

# Unresolved instances: not AI by any known fact, but a deciding fact is unknown.
unresolved_aws_instance_ids contains id if {
	some id, r in input.resources.aws_instance
	r.unknown != {}
	data.auditor.lib.util.is_unknown(r, "instance_type")
	not _aws_ai(r)
}

unresolved_gcp_instance_ids contains id if {
	some id, r in input.resources.google_compute_instance
	r.unknown != {}
	_gcp_classification_unknown(r)
	not _gcp_ai(r)
}

_gcp_classification_unknown(r) if data.auditor.lib.util.is_unknown(r, "machine_type")

_gcp_classification_unknown(r) if data.auditor.lib.util.is_unknown(r, "guest_accelerators")

unresolved_instance_ids := unresolved_aws_instance_ids | unresolved_gcp_instance_ids

# unresolved_reason(id): why an unresolved instance may or may not be AI compute.
unresolved_reason(id) := sprintf("cannot tell whether %s is AI compute: %s", [id, concat("; ", reasons)]) if {
	r := _instance(id)
	reasons := [sprintf("%s unknown (%s)", [p, why]) | some p, why in r.unknown; _classifying_path(r.kind, p)]
}

_classifying_path("aws_instance", p) if p == "instance_type"

_classifying_path("google_compute_instance", p) if p in {"machine_type", "guest_accelerators"}

_classifying_path("google_compute_instance", p) if startswith(p, "guest_accelerators.")

_instance(id) := input.resources.aws_instance[id]

_instance(id) := input.resources.google_compute_instance[id]

# --- model-artifact and training-data buckets --------------------------------------

# s3_bucket_name(url): the bucket of an S3 URL: s3://bucket/key,
# https://bucket.s3[.region].amazonaws.com/key or https://s3[.region].amazonaws.com/bucket/key.
s3_bucket_name(url) := name if {
	is_string(url)
	startswith(lower(url), "s3://")
	name := split(substring(url, 5, -1), "/")[0]
	name != ""
}

s3_bucket_name(url) := name if {
	is_string(url)
	startswith(url, "https://")
	found := regex.find_all_string_submatch_n(_virtual_hosted, url, 1)
	name := found[0][1]
}

s3_bucket_name(url) := name if {
	is_string(url)
	startswith(url, "https://")
	not regex.match(_virtual_hosted, url)
	found := regex.find_all_string_submatch_n(`^https://s3([.-][^/]*)?\.amazonaws\.com(\.cn)?/([^/]+)`, url, 1)
	name := found[0][3]
}

_virtual_hosted := `^https://([^/]+)\.s3[.-]([^/]*\.)?amazonaws\.com(\.cn)?(/|$)`

# bucket_referrers[bucket name]: the SageMaker resources that point into the bucket.
bucket_referrers[name] contains id if {
	some id, r in input.resources.aws_sagemaker_model
	some container in data.auditor.lib.util.as_array(r.attributes.containers)
	name := s3_bucket_name(container.model_data_url)
}

bucket_referrers[name] contains id if {
	some id, r in input.resources.aws_sagemaker_endpoint_configuration
	name := s3_bucket_name(r.attributes.data_capture.destination_s3_uri)
}

# data_bucket_ids: the buckets holding model artifacts or training data.
data_bucket_ids contains id if {
	some id, b in input.resources.aws_s3_bucket
	bucket_referrers[b.attributes.bucket]
}

data_bucket_ids contains id if {
	some id, b in input.resources.aws_s3_bucket
	b.tags != {}
	has_ai_data_tag(b)
}

data_bucket_ids contains id if {
	some id, b in input.resources.aws_s3_bucket
	b.tags != {}
	has_ai_tag(b)
}

# bucket_label(b): the bucket's name, or its resource id when the name is not known.
bucket_label(b) := b.attributes.bucket if is_string(b.attributes.bucket)

bucket_label(b) := b.id if not is_string(b.attributes.bucket)

# data_bucket_role(b): why the bucket counts as an AI data store, for messages.
data_bucket_role(b) := sprintf("holds model artifacts or data capture of %s", [data.auditor.lib.util.describe(refs)]) if {
	refs := bucket_referrers[b.attributes.bucket]
} else := "is tagged as holding AI data"

# --- load balancers in front of AI services ------------------------------------------

ai_target_group_ids contains id if {
	some id, tg in input.resources.aws_lb_target_group
	some target in data.auditor.lib.util.as_array(tg.attributes.targets)
	target.target in aws_instance_ids
}

ai_target_group_ids contains id if {
	some id, tg in input.resources.aws_lb_target_group
	has_ai_tag(tg)
}

# load_balancer_ids: the load balancers (resource ids) in front of AI services.
load_balancer_ids contains lb if {
	some listener in input.resources.aws_lb_listener
	some action in data.auditor.lib.util.as_array(listener.attributes.actions)
	some tg in data.auditor.lib.util.as_array(action.target_groups)
	tg in ai_target_group_ids
	lb := listener.attributes.load_balancer
	is_string(lb)
}

load_balancer_ids contains id if {
	some id, lb in input.resources.aws_lb
	has_ai_tag(lb)
}

# --- security groups ------------------------------------------------------------------

# sg_ai_compute[security group id]: the AI compute (instances, SageMaker models) it protects.
sg_ai_compute[sg] contains id if {
	some id in aws_instance_ids
	some sg in data.auditor.lib.util.as_array(input.resources.aws_instance[id].attributes.security_groups)
}

sg_ai_compute[sg] contains id if {
	some id, model in input.resources.aws_sagemaker_model
	some sg in data.auditor.lib.util.as_array(model.attributes.vpc_config.security_group_ids)
}

# sg_unresolved_compute[security group id]: unresolved instances it protects.
sg_unresolved_compute[sg] contains id if {
	some id in unresolved_aws_instance_ids
	some sg in data.auditor.lib.util.as_array(input.resources.aws_instance[id].attributes.security_groups)
}

# sg_ai_load_balancers[security group id]: the load balancers in front of AI it is attached to.
sg_ai_load_balancers[sg] contains id if {
	some id in load_balancer_ids
	some sg in data.auditor.lib.util.as_array(input.resources.aws_lb[id].attributes.security_groups)
}

# sg_compute_attached: groups attached to any instance or SageMaker model, AI or not.
sg_compute_attached contains sg if {
	some r in input.resources.aws_instance
	some sg in data.auditor.lib.util.as_array(r.attributes.security_groups)
}

sg_compute_attached contains sg if {
	some model in input.resources.aws_sagemaker_model
	some sg in data.auditor.lib.util.as_array(model.attributes.vpc_config.security_group_ids)
}

# --- GCP firewall rules ------------------------------------------------------------------

# network_key(n): a network reference reduced to what can be compared across a name, a
# partial path and a URL: [project or "", network name].
network_key(n) := [_project(n), data.auditor.lib.util.last_segment(n)] if is_string(n)

_project(n) := p if {
	parts := split(n, "/")
	some i, part in parts
	part == "projects"
	p := parts[i + 1]
} else := ""

_same_project(pa, pb) if pa == pb

_same_project(pa, _) if pa == ""

_same_project(_, pb) if pb == ""

# instance_networks(r): the networks of a GCP instance's interfaces (through the
# subnetwork's network when the interface names only a subnetwork).
instance_networks(r) := direct | via_subnetwork if {
	interfaces := data.auditor.lib.util.as_array(object.get(r.attributes, "network_interfaces", []))
	direct := {n | some ni in interfaces; n := ni.network; is_string(n)}
	via_subnetwork := {n |
		some ni in interfaces
		not is_string(ni.network)
		n := input.resources.google_compute_subnetwork[ni.subnetwork].attributes.network
		is_string(n)
	}
}

# The networks of the AI and unresolved GCP instances, computed once, and indexes of
# those instances by network name, so that firewall rules are matched without
# comparing every rule with every instance.
_candidate_networks := {id: networks |
	some id in gcp_instance_ids | unresolved_gcp_instance_ids
	networks := instance_networks(input.resources.google_compute_instance[id])
}

_gcp_by_network_name[name] contains id if {
	some id in gcp_instance_ids
	some n in _candidate_networks[id]
	name := data.auditor.lib.util.last_segment(n)
}

_gcp_unresolved_by_network_name[name] contains id if {
	some id in unresolved_gcp_instance_ids
	some n in _candidate_networks[id]
	name := data.auditor.lib.util.last_segment(n)
}

# _candidate_keys[id]: the network keys of a candidate instance.
_candidate_keys[id] := keys if {
	some id, networks in _candidate_networks
	keys := {network_key(n) | some n in networks}
}

# Candidates by network name and target tag or service account: a rule with targets is
# compared only with the instances that carry one of them (comparing every rule with every
# instance of a large network was quadratic).
# Keys are "<network name>|<tag or email>": "|" occurs in neither.
_gcp_by_network_tag[key] contains id if {
	some id in gcp_instance_ids | unresolved_gcp_instance_ids
	some n in _candidate_networks[id]
	name := data.auditor.lib.util.last_segment(n)
	some tag in data.auditor.lib.util.as_array(input.resources.google_compute_instance[id].attributes.network_tags)
	key := concat("|", [name, tag])
}

_gcp_by_network_sa[key] contains id if {
	some id in gcp_instance_ids | unresolved_gcp_instance_ids
	some n in _candidate_networks[id]
	name := data.auditor.lib.util.last_segment(n)
	some sa in data.auditor.lib.util.as_array(input.resources.google_compute_instance[id].attributes.service_accounts)
	key := concat("|", [name, sa.email])
}

_untargeted(fw) if {
	count(data.auditor.lib.util.as_array(fw.attributes.target_tags)) == 0
	count(data.auditor.lib.util.as_array(fw.attributes.target_service_accounts)) == 0
}

_targeted_candidates(fw, fw_name) := by_tag | by_sa if {
	by_tag := {id |
		some tag in data.auditor.lib.util.as_array(fw.attributes.target_tags)
		some id in _gcp_by_network_tag[concat("|", [fw_name, tag])]
	}
	by_sa := {id |
		some email in data.auditor.lib.util.as_array(fw.attributes.target_service_accounts)
		some id in _gcp_by_network_sa[concat("|", [fw_name, email])]
	}
}

_ai_candidates(fw, fw_name) := ids if {
	_untargeted(fw)
	ids := {id | some id in _gcp_by_network_name[fw_name]}
}

_ai_candidates(fw, fw_name) := ids if {
	not _untargeted(fw)
	# A filter, not `&`: an intersection walks all of gcp_instance_ids for every rule.
	ids := {id | some id in _targeted_candidates(fw, fw_name); gcp_instance_ids[id]}
}

_unresolved_candidates(fw, fw_name) := ids if {
	_untargeted(fw)
	ids := {id | some id in _gcp_unresolved_by_network_name[fw_name]}
}

_unresolved_candidates(fw, fw_name) := ids if {
	not _untargeted(fw)
	ids := {id | some id in _targeted_candidates(fw, fw_name); unresolved_gcp_instance_ids[id]}
}

# firewall_ai_instances(fw) / firewall_unresolved_instances(fw): the AI (unresolved)
# instances the firewall rule applies to.
# (The indexes are not passed as arguments: the embedded engine leaves an empty
# multi-value object undefined, where OPA gives {}.)
firewall_ai_instances(fw) := {id |
	[fw_project, fw_name] := network_key(fw.attributes.network)
	some id in _ai_candidates(fw, fw_name)
	_firewall_targets(fw, fw_project, fw_name, id)
}

firewall_unresolved_instances(fw) := {id |
	[fw_project, fw_name] := network_key(fw.attributes.network)
	some id in _unresolved_candidates(fw, fw_name)
	_firewall_targets(fw, fw_project, fw_name, id)
}

_firewall_targets(fw, fw_project, fw_name, id) if {
	some [project, name] in _candidate_keys[id]
	name == fw_name
	_same_project(fw_project, project)
	_targets(fw, input.resources.google_compute_instance[id])
}

# firewall_ai_targets[firewall id] / firewall_unresolved_targets[firewall id]: the same,
# computed once for every firewall rule of the input (only rules with targets appear).
firewall_ai_targets[id] := ids if {
	some id, fw in input.resources.google_compute_firewall
	ids := firewall_ai_instances(fw)
	count(ids) > 0
}

firewall_unresolved_targets[id] := ids if {
	some id, fw in input.resources.google_compute_firewall
	ids := firewall_unresolved_instances(fw)
	count(ids) > 0
}

_targets(fw, _) if {
	count(data.auditor.lib.util.as_array(fw.attributes.target_tags)) == 0
	count(data.auditor.lib.util.as_array(fw.attributes.target_service_accounts)) == 0
}

_targets(fw, instance) if {
	some tag in data.auditor.lib.util.as_array(fw.attributes.target_tags)
	tag in data.auditor.lib.util.as_array(instance.attributes.network_tags)
}

_targets(fw, instance) if {
	some sa in data.auditor.lib.util.as_array(instance.attributes.service_accounts)
	sa.email in data.auditor.lib.util.as_array(fw.attributes.target_service_accounts)
}
