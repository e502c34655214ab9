package auditor.lib.ai_test

import rego.v1

cfg := data.auditor.lib.testing.config

# --- instance families ---------------------------------------------------------------

test_aws_families if {
	data.auditor.lib.ai.aws_instance_family("p4d.24xlarge") == "p"
	data.auditor.lib.ai.aws_instance_family("g5.xlarge") == "g"
	data.auditor.lib.ai.aws_instance_family("inf2.xlarge") == "inf"
	data.auditor.lib.ai.aws_instance_family("trn1.32xlarge") == "trn"
	data.auditor.lib.ai.aws_instance_family("dl1.24xlarge") == "dl"
	data.auditor.lib.ai.aws_instance_family("G5G.XLARGE") == "g"
	data.auditor.lib.ai.aws_instance_family("gr6.4xlarge") == "gr"
	not data.auditor.lib.ai.aws_instance_family(null)
	not data.auditor.lib.ai.aws_instance_family("")
}

test_aws_ai_types if {
	every t in ["p4d.24xlarge", "p5.48xlarge", "g4dn.xlarge", "g5g.xlarge", "inf1.xlarge", "trn1n.32xlarge", "dl2q.24xlarge", "gr6.4xlarge"] {
		data.auditor.lib.ai.aws_ai_instance_type(t) with data.auditor.config as cfg
	}
}

test_aws_non_ai_types if {
	every t in ["m5.large", "t3.micro", "c5.xlarge", "r6g.large", "i3.large", "x2idn.large"] {
		not data.auditor.lib.ai.aws_ai_instance_type(t) with data.auditor.config as cfg
	}
}

test_aws_family_list_is_config if {
	data.auditor.lib.ai.aws_ai_instance_type("gr6.4xlarge") with data.auditor.config as object.union(cfg, {"aws_ai_instance_families": ["gr"]})
	not data.auditor.lib.ai.aws_ai_instance_type("p4d.24xlarge") with data.auditor.config as object.union(cfg, {"aws_ai_instance_families": ["gr"]})
	not data.auditor.lib.ai.aws_ai_instance_type("gr6.4xlarge") with data.auditor.config as object.union(cfg, {"aws_ai_instance_families": ["p"]})
}

test_gcp_families if {
	data.auditor.lib.ai.gcp_machine_family("a2-highgpu-1g") == "a2"
	data.auditor.lib.ai.gcp_machine_family("zones/us-central1-a/machineTypes/a3-highgpu-8g") == "a3"
	data.auditor.lib.ai.gcp_ai_machine_type("g2-standard-4") with data.auditor.config as cfg
	data.auditor.lib.ai.gcp_ai_machine_type("a4-highgpu-8g") with data.auditor.config as cfg
	not data.auditor.lib.ai.gcp_ai_machine_type("n2-standard-4") with data.auditor.config as cfg
	not data.auditor.lib.ai.gcp_ai_machine_type("e2-medium") with data.auditor.config as cfg
}

# --- instances ----------------------------------------------------------------------------

_ids(resources) := {"ai": found, "unresolved": unresolved} if {
	found := data.auditor.lib.ai.instance_ids with input as data.auditor.lib.testing.input_of(resources) with data.auditor.config as cfg
	unresolved := data.auditor.lib.ai.unresolved_instance_ids with input as data.auditor.lib.testing.input_of(resources) with data.auditor.config as cfg
}

test_instances if {
	gpu := data.auditor.lib.testing.resource("aws_instance", "i-gpu", {"instance_type": "p4d.24xlarge"})
	web := data.auditor.lib.testing.resource("aws_instance", "i-web", {"instance_type": "m5.large"})
	tagged := data.auditor.lib.testing.tagged(data.auditor.lib.testing.resource("aws_instance", "i-tag", {"instance_type": "m5.large"}), {"ml-workload": "true"})
	off := data.auditor.lib.testing.tagged(data.auditor.lib.testing.resource("aws_instance", "i-off", {"instance_type": "m5.large"}), {"ai-workload": "false"})
	a2 := data.auditor.lib.testing.resource("google_compute_instance", "vm-a2", {"machine_type": "a2-highgpu-1g"})
	t4 := data.auditor.lib.testing.resource("google_compute_instance", "vm-t4", {"machine_type": "n1-standard-8", "guest_accelerators": [{"type": "nvidia-tesla-t4", "count": 1}]})
	none := data.auditor.lib.testing.resource("google_compute_instance", "vm-zero", {"machine_type": "n1-standard-8", "guest_accelerators": [{"type": "nvidia-tesla-t4", "count": 0}]})
	ids := _ids([gpu, web, tagged, off, a2, t4, none])
	ids.ai == {"i-gpu", "i-tag", "vm-a2", "vm-t4"}
	ids.unresolved == set()
}

test_unresolved_instances if {
	aws := data.auditor.lib.testing.unknown(data.auditor.lib.testing.resource("aws_instance", "i-var", {}), {"instance_type": "variable without value"})
	gcp := data.auditor.lib.testing.unknown(data.auditor.lib.testing.resource("google_compute_instance", "vm-var", {"machine_type": "n1-standard-8"}), {"guest_accelerators": "known after apply"})
	tagged := data.auditor.lib.testing.tagged(data.auditor.lib.testing.unknown(data.auditor.lib.testing.resource("aws_instance", "i-tagged", {}), {"instance_type": "x"}), {"ai-workload": "yes"})
	ids := _ids([aws, gcp, tagged])
	ids.ai == {"i-tagged"}
	ids.unresolved == {"i-var", "vm-var"}
	reason := data.auditor.lib.ai.unresolved_reason("i-var") with input as data.auditor.lib.testing.input_of([aws])
	contains(reason, "instance_type unknown (variable without value)")
}

# --- buckets --------------------------------------------------------------------------------

test_s3_bucket_name if {
	data.auditor.lib.ai.s3_bucket_name("s3://ml-artifacts/models/m.tar.gz") == "ml-artifacts"
	data.auditor.lib.ai.s3_bucket_name("s3://ml-artifacts") == "ml-artifacts"
	data.auditor.lib.ai.s3_bucket_name("https://ml.artifacts.s3.us-east-1.amazonaws.com/m.tar.gz") == "ml.artifacts"
	data.auditor.lib.ai.s3_bucket_name("https://ml-artifacts.s3.amazonaws.com/m.tar.gz") == "ml-artifacts"
	data.auditor.lib.ai.s3_bucket_name("https://s3.eu-west-1.amazonaws.com/ml-artifacts/m.tar.gz") == "ml-artifacts"
	data.auditor.lib.ai.s3_bucket_name("https://s3.models.s3.amazonaws.com/key") == "s3.models"
	not data.auditor.lib.ai.s3_bucket_name("gs://bucket/key")
	not data.auditor.lib.ai.s3_bucket_name(null)
}

_data_buckets(resources) := ids if {
	ids := data.auditor.lib.ai.data_bucket_ids with input as data.auditor.lib.testing.input_of(resources) with data.auditor.config as cfg
}

test_data_buckets if {
	model := data.auditor.lib.testing.resource("aws_sagemaker_model", "m", {"containers": [{"image": "x", "model_data_url": "s3://artifacts/model.tar.gz"}, {"image": "y", "model_data_url": null}]})
	capture := data.auditor.lib.testing.resource("aws_sagemaker_endpoint_configuration", "ec", {"data_capture": {"enabled": true, "destination_s3_uri": "s3://capture/prefix"}})
	no_capture := data.auditor.lib.testing.resource("aws_sagemaker_endpoint_configuration", "ec2", {"data_capture": null})
	artifacts := data.auditor.lib.testing.resource("aws_s3_bucket", "arn:aws:s3:::artifacts", {"bucket": "artifacts"})
	captured := data.auditor.lib.testing.resource("aws_s3_bucket", "arn:aws:s3:::capture", {"bucket": "capture"})
	tagged := data.auditor.lib.testing.tagged(data.auditor.lib.testing.resource("aws_s3_bucket", "arn:aws:s3:::datasets", {"bucket": "datasets"}), {"training-data": "imagenet"})
	logs := data.auditor.lib.testing.resource("aws_s3_bucket", "arn:aws:s3:::logs", {"bucket": "logs"})
	_data_buckets([model, capture, no_capture, artifacts, captured, tagged, logs]) == {"arn:aws:s3:::artifacts", "arn:aws:s3:::capture", "arn:aws:s3:::datasets"}
}

test_data_bucket_role if {
	model := data.auditor.lib.testing.resource("aws_sagemaker_model", "m", {"containers": [{"model_data_url": "s3://artifacts/model.tar.gz"}]})
	b := data.auditor.lib.testing.resource("aws_s3_bucket", "b", {"bucket": "artifacts"})
	data.auditor.lib.ai.data_bucket_role(b) == "holds model artifacts or data capture of m" with input as data.auditor.lib.testing.input_of([model, b])
	data.auditor.lib.ai.data_bucket_role(b) == "is tagged as holding AI data" with input as data.auditor.lib.testing.input_of([b])
}

# --- load balancers and security groups -----------------------------------------------------

_lb_world := [
	data.auditor.lib.testing.resource("aws_instance", "i-gpu", {"instance_type": "g5.xlarge", "security_groups": ["sg-gpu"]}),
	data.auditor.lib.testing.resource("aws_instance", "i-web", {"instance_type": "t3.small", "security_groups": ["sg-web"]}),
	data.auditor.lib.testing.resource("aws_lb_target_group", "tg-ai", {"targets": [{"target": "i-gpu", "port": 8080}]}),
	data.auditor.lib.testing.resource("aws_lb_target_group", "tg-web", {"targets": [{"target": "i-web", "port": 80}]}),
	data.auditor.lib.testing.resource("aws_lb_listener", "l-ai", {"load_balancer": "lb-ai", "actions": [{"type": "forward", "target_groups": ["tg-ai"]}]}),
	data.auditor.lib.testing.resource("aws_lb_listener", "l-web", {"load_balancer": "lb-web", "actions": [{"type": "forward", "target_groups": ["tg-web"]}]}),
	data.auditor.lib.testing.resource("aws_lb", "lb-ai", {"security_groups": ["sg-lb"]}),
	data.auditor.lib.testing.resource("aws_lb", "lb-web", {"security_groups": ["sg-lb-web"]}),
	data.auditor.lib.testing.resource("aws_sagemaker_model", "m", {"vpc_config": {"subnets": [], "security_group_ids": ["sg-model"]}}),
	data.auditor.lib.testing.resource("aws_sagemaker_model", "m2", {"vpc_config": null}),
]

test_load_balancers_in_front_of_ai if {
	data.auditor.lib.ai.load_balancer_ids == {"lb-ai"} with input as data.auditor.lib.testing.input_of(_lb_world) with data.auditor.config as cfg
}

test_security_groups_of_ai_compute if {
	attached := data.auditor.lib.ai.sg_ai_compute with input as data.auditor.lib.testing.input_of(_lb_world) with data.auditor.config as cfg
	attached == {"sg-gpu": {"i-gpu"}, "sg-model": {"m"}}
	lbs := data.auditor.lib.ai.sg_ai_load_balancers with input as data.auditor.lib.testing.input_of(_lb_world) with data.auditor.config as cfg
	lbs == {"sg-lb": {"lb-ai"}}
	any_compute := data.auditor.lib.ai.sg_compute_attached with input as data.auditor.lib.testing.input_of(_lb_world) with data.auditor.config as cfg
	any_compute == {"sg-gpu", "sg-web", "sg-model"}
}

# --- GCP firewall targets -----------------------------------------------------------------------

_vm(id, network, tags, sa) := data.auditor.lib.testing.resource("google_compute_instance", id, {
	"machine_type": "a2-highgpu-1g",
	"network_interfaces": [{"network": network, "public_ip": false}],
	"network_tags": tags,
	"service_accounts": [{"email": sa, "scopes": []}],
})

_fw(network, target_tags, target_sas) := data.auditor.lib.testing.resource("google_compute_firewall", "fw", {
	"network": network,
	"target_tags": target_tags,
	"target_service_accounts": target_sas,
})

_fw_targets(fw, vms) := ids if {
	ids := data.auditor.lib.ai.firewall_ai_instances(fw) with input as data.auditor.lib.testing.input_of(array.concat([fw], vms))
		with data.auditor.config as cfg
}

test_firewall_targets_by_tag if {
	vm := _vm("vm", "projects/p/global/networks/ml", ["gpu"], "sa@p.iam.gserviceaccount.com")
	_fw_targets(_fw("projects/p/global/networks/ml", ["gpu"], []), [vm]) == {"vm"}
	_fw_targets(_fw("projects/p/global/networks/ml", ["web"], []), [vm]) == set()
}

test_firewall_targets_by_service_account if {
	vm := _vm("vm", "ml", [], "sa@p.iam.gserviceaccount.com")
	_fw_targets(_fw("ml", [], ["sa@p.iam.gserviceaccount.com"]), [vm]) == {"vm"}
	_fw_targets(_fw("ml", [], ["other@p.iam.gserviceaccount.com"]), [vm]) == set()
}

test_firewall_without_targets_applies_to_network if {
	vm := _vm("vm", "https://www.googleapis.com/compute/v1/projects/p/global/networks/ml", ["gpu"], "sa")
	_fw_targets(_fw("ml", [], []), [vm]) == {"vm"}
	_fw_targets(_fw("projects/p/global/networks/ml", [], []), [vm]) == {"vm"}
	_fw_targets(_fw("projects/other/global/networks/ml", [], []), [vm]) == set()
	_fw_targets(_fw("default", [], []), [vm]) == set()
}

test_firewall_network_through_subnetwork if {
	vm := data.auditor.lib.testing.resource("google_compute_instance", "vm", {
		"machine_type": "g2-standard-4",
		"network_interfaces": [{"network": null, "subnetwork": "subnet-ml"}],
		"network_tags": [],
	})
	subnet := data.auditor.lib.testing.resource("google_compute_subnetwork", "subnet-ml", {"network": "projects/p/global/networks/ml"})
	_fw_targets(_fw("ml", [], []), [vm, subnet]) == {"vm"}
}

test_firewall_non_ai_instance if {
	vm := data.auditor.lib.testing.resource("google_compute_instance", "vm", {
		"machine_type": "e2-medium",
		"network_interfaces": [{"network": "ml"}],
	})
	_fw_targets(_fw("ml", [], []), [vm]) == set()
}

# Regression: an AI VM without network_interfaces beside one with none must not abort
# the evaluation of firewall targets (regorus raised "not an object").
test_firewall_targets_with_interfaceless_instances if {
	resources := {
		"google_compute_instance": {
			"a": {"id": "a", "kind": "google_compute_instance", "attributes": {"machine_type": "g2-standard-8"}, "tags": {}, "unknown": {}},
			"b": {"id": "b", "kind": "google_compute_instance", "attributes": {"machine_type": "a2-highgpu-1g", "network_interfaces": []}, "tags": {}, "unknown": {}},
		},
		"google_compute_firewall": {"f": {"id": "f", "kind": "google_compute_firewall", "attributes": {"network": "default", "direction": "INGRESS", "source_ranges": ["0.0.0.0/0"]}, "tags": {}, "unknown": {}}},
	}
	count(data.auditor.lib.ai.firewall_ai_targets) == 0 with input as {"resources": resources} with data.auditor.config as cfg
}
