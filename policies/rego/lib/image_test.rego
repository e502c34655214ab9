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

test_repository_makes_the_registry_explicit if {
	data.auditor.lib.image.repository("nginx:1.27") == "docker.io/library/nginx"
	data.auditor.lib.image.repository("bitnami/redis") == "docker.io/bitnami/redis"
	data.auditor.lib.image.repository("index.docker.io/vllm/vllm-openai:latest") == "docker.io/vllm/vllm-openai"
	data.auditor.lib.image.repository("GHCR.io/acme/llm:v1@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945") == "ghcr.io/acme/llm"
	data.auditor.lib.image.repository("localhost:5000/llm") == "localhost:5000/llm"
	data.auditor.lib.image.registry("registry.example.com:5000/ml/llm:2") == "registry.example.com:5000"
}

test_allowed_registry_matches_whole_segments if {
	allowed := ["123456789012.dkr.ecr.us-east-1.amazonaws.com", "ghcr.io/acme/"]
	data.auditor.lib.image.from_allowed_registry("123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:1", allowed)
	data.auditor.lib.image.from_allowed_registry("ghcr.io/acme/llm@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945", allowed)
	not data.auditor.lib.image.from_allowed_registry("ghcr.io/acme-evil/llm:1", allowed)
	not data.auditor.lib.image.from_allowed_registry("nginx", allowed)
	data.auditor.lib.image.from_allowed_registry("nginx", ["docker.io/library"])
}
