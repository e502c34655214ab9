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
