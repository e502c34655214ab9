package auditor.lib.util_test

import rego.v1

test_as_array if {
	data.auditor.lib.util.as_array([1]) == [1]
	data.auditor.lib.util.as_array(null) == []
	data.auditor.lib.util.as_array("x") == []
}

test_as_object if {
	data.auditor.lib.util.as_object({"a": 1}) == {"a": 1}
	data.auditor.lib.util.as_object(null) == {}
}

test_case_folding if {
	data.auditor.lib.util.lower_str("HTTP") == "http"
	data.auditor.lib.util.upper_str("https") == "HTTPS"
	not data.auditor.lib.util.lower_str(null)
}

test_last_segment if {
	data.auditor.lib.util.last_segment("projects/p/global/networks/vpc") == "vpc"
	data.auditor.lib.util.last_segment("vpc") == "vpc"
	not data.auditor.lib.util.last_segment(null)
}

test_describe if {
	data.auditor.lib.util.describe({"b", "a"}) == "a, b"
	data.auditor.lib.util.describe({"e", "d", "c", "b", "a"}) == "a, b, c and 2 more"
	data.auditor.lib.util.describe(set()) == ""
}

test_unknown_paths if {
	r := {"unknown": {"volumes": "computed", "metadata_options.http_tokens": "var", "tags": "x"}}
	data.auditor.lib.util.unknown_paths(r, "volumes.0.encrypted") == {"volumes"}
	data.auditor.lib.util.unknown_paths(r, "metadata_options") == {"metadata_options.http_tokens"}
	data.auditor.lib.util.unknown_paths(r, "metadata_options.http_tokens") == {"metadata_options.http_tokens"}
	data.auditor.lib.util.unknown_paths(r, "metadata_options.http_endpoint") == set()
	data.auditor.lib.util.unknown_paths(r, "volumes_extra") == set()
	data.auditor.lib.util.is_unknown(r, "volumes.1")
	not data.auditor.lib.util.is_unknown({"unknown": {}}, "volumes")
	not data.auditor.lib.util.is_unknown({}, "volumes")
}

test_path if {
	data.auditor.lib.util.path(["ingress", 0, "cidr_blocks"]) == "ingress.0.cidr_blocks"
}
