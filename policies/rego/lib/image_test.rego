package auditor.lib.image_test

import rego.v1

_digest := "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"

test_digest_pinned if {
	data.auditor.lib.image.digest_pinned(concat("@", ["123456789012.dkr.ecr.us-east-1.amazonaws.com/llm", _digest]))
	data.auditor.lib.image.digest_pinned(concat("@", ["registry:5000/team/llm:1.2", _digest]))
	not data.auditor.lib.image.digest_pinned("llm:latest")
	not data.auditor.lib.image.digest_pinned("llm@sha256:1234")
	not data.auditor.lib.image.digest_pinned(null)
}

test_tag if {
	data.auditor.lib.image.tag("llm:1.2") == "1.2"
	data.auditor.lib.image.tag("registry:5000/team/llm:latest") == "latest"
	not data.auditor.lib.image.tag("registry:5000/team/llm")
	not data.auditor.lib.image.tag("llm")
	data.auditor.lib.image.tag(concat("@", ["llm:2", _digest])) == "2"
}

test_unpinned_reason if {
	data.auditor.lib.image.unpinned_reason("llm:latest") == "its tag is \"latest\""
	data.auditor.lib.image.unpinned_reason("llm:LATEST") == "its tag is \"latest\""
	data.auditor.lib.image.unpinned_reason("registry:5000/llm") == "it has no tag nor digest (pulls \"latest\")"
	data.auditor.lib.image.unpinned_reason("llm:1.2") == "its tag \"1.2\" can be moved to another image"
}
