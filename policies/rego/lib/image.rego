# METADATA
# title: Container image reference helpers
# description: |
#   Parses image references ([registry[:port]/]path[:tag][@digest]) to tell whether an
#   image is pinned by digest. A reference with both a tag and a digest is pinned: the
#   runtime pulls by digest and ignores the tag.
package auditor.lib.image

import rego.v1

_digest_pattern := `@sha256:[0-9a-fA-F]{64}$|@sha512:[0-9a-fA-F]{128}$`

# digest_pinned(ref): the reference ends with a sha256 (or sha512) digest.
digest_pinned(ref) if {
	is_string(ref)
	regex.match(_digest_pattern, trim_space(ref))
}

# name_part(ref): the reference without its digest.
name_part(ref) := split(trim_space(ref), "@")[0] if is_string(ref)

# tag(ref): the tag of the reference; undefined when it has none. The tag is after the
# last ":" of the last path segment (a ":" in the registry host is a port).
tag(ref) := t if {
	parts := split(name_part(ref), "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	pieces := split(last, ":")
	t := pieces[count(pieces) - 1]
}

# unpinned_reason(ref): why a reference that is not pinned by digest is mutable.
unpinned_reason(ref) := "its tag is \"latest\"" if lower(tag(ref)) == "latest"

unpinned_reason(ref) := "it has no tag nor digest (pulls \"latest\")" if not tag(ref)

unpinned_reason(ref) := sprintf("its tag \"%s\" can be moved to another image", [tag(ref)]) if {
	lower(tag(ref)) != "latest"
}

# --- registries (IMG-05) --------------------------------------------------------------

# repository(ref): the reference's repository with its registry made explicit, lower-case
# host, no tag or digest: "nginx:1.27" -> "docker.io/library/nginx",
# "ghcr.io/acme/llm:v1@sha256:..." -> "ghcr.io/acme/llm". The first path segment is a
# registry host when it has a "." or a ":" or is "localhost" (the Docker rule).
repository(ref) := repo if {
	parts := split(name_part(ref), "/")
	last := parts[count(parts) - 1]
	path := array.concat(array.slice(parts, 0, count(parts) - 1), [split(last, ":")[0]])
	repo := _explicit(path)
}

_explicit(path) := concat("/", array.concat([_host(path[0])], array.slice(path, 1, count(path)))) if {
	count(path) > 1
	_is_host(path[0])
}

_explicit(path) := concat("/", array.concat(["docker.io", "library"], path)) if count(path) == 1

_explicit(path) := concat("/", array.concat(["docker.io"], path)) if {
	count(path) > 1
	not _is_host(path[0])
}

_is_host(s) if contains(s, ".")

_is_host(s) if contains(s, ":")

_is_host(s) if s == "localhost"

_host(h) := "docker.io" if lower(h) in {"index.docker.io", "registry-1.docker.io"}

_host(h) := lower(h) if not lower(h) in {"index.docker.io", "registry-1.docker.io"}

# registry(ref): the registry host of the reference ("docker.io" for bare names).
registry(ref) := split(repository(ref), "/")[0]

# from_allowed_registry(ref, allowed): the repository is one of the entries (a host, or
# a host/path prefix, matched on whole path segments) of `allowed`.
from_allowed_registry(ref, allowed) if {
	repo := repository(ref)
	some entry in allowed
	_under(repo, _entry(entry))
}

_entry(e) := concat("/", array.concat([_host(p[0])], array.slice(p, 1, count(p)))) if {
	is_string(e)
	p := split(trim_suffix(trim_space(e), "/"), "/")
}

_under(repo, e) if repo == e

_under(repo, e) if startswith(repo, concat("", [e, "/"]))
