package auditor.controls.img_06_test

import rego.v1

_cfg := data.auditor.lib.testing.config

_results(resources) := {"applicable": a, "deny": d, "unknown": u} if {
	inp := data.auditor.lib.testing.input_of(resources)
	a := data.auditor.controls.img_06.applicable with input as inp with data.auditor.config as _cfg
	d := data.auditor.controls.img_06.deny with input as inp with data.auditor.config as _cfg
	u := data.auditor.controls.img_06.unknown with input as inp with data.auditor.config as _cfg
}

_repo(attrs) := data.auditor.lib.testing.resource("aws_ecr_repository", "r", object.union({"repository_name": "models/llm"}, attrs))

_v(attrs) := data.auditor.lib.testing.verdict(_results([_repo(attrs)]), "r")

test_scan_and_immutable_passes if {
	_v({"scan_on_push": true, "image_tag_mutability": "IMMUTABLE"}) == "pass"
}

test_mutable_fails if {
	_v({"scan_on_push": true, "image_tag_mutability": "MUTABLE"}) == "fail"
	_v({"scan_on_push": true}) == "fail"
	_v({"scan_on_push": true, "image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION"}) == "fail"
	some d in _results([_repo({"scan_on_push": true, "image_tag_mutability": "MUTABLE"})]).deny
	d.evidence == {"attribute": "image_tag_mutability", "value": "MUTABLE"}
}

test_no_scan_on_push_fails if {
	_v({"scan_on_push": false, "image_tag_mutability": "IMMUTABLE"}) == "fail"
	_v({"scan_on_push": null, "image_tag_mutability": "IMMUTABLE"}) == "fail"
	some d in _results([_repo({"image_tag_mutability": "IMMUTABLE"})]).deny
	contains(d.message, "default is false")
}

test_unknown if {
	r := data.auditor.lib.testing.unknown(_repo({"image_tag_mutability": "IMMUTABLE"}), {"scan_on_push": "var.scan"})
	data.auditor.lib.testing.verdict(_results([r]), "r") == "error"
	m := data.auditor.lib.testing.unknown(_repo({"scan_on_push": true}), {"image_tag_mutability": "x"})
	data.auditor.lib.testing.verdict(_results([m]), "r") == "error"
	# a known failure stands
	f := data.auditor.lib.testing.unknown(_repo({"scan_on_push": false}), {"image_tag_mutability": "x"})
	data.auditor.lib.testing.verdict(_results([f]), "r") == "fail"
}
