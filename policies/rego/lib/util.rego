# METADATA
# title: Null-safe helpers
# description: |
#   Small helpers shared by the controls. The embedded engine (regorus) raises an
#   error, where OPA would return undefined, when a builtin gets a value of the wrong
#   type (`lower(null)`, `some x in null`, `count(null)`): one bad attribute would
#   abort the whole evaluation. Every attribute that the kind schemas allow to be null
#   goes through these helpers before it meets a builtin.
package auditor.lib.util

import rego.v1

# as_array(x): x when it is an array, else the empty array.
as_array(x) := x if is_array(x)

as_array(x) := [] if not is_array(x)

# as_object(x): x when it is an object, else the empty object.
as_object(x) := x if is_object(x)

as_object(x) := {} if not is_object(x)

# lower_str(x) / upper_str(x): the case-folded string; undefined when x is no string.
lower_str(x) := lower(x) if is_string(x)

upper_str(x) := upper(x) if is_string(x)

# last_segment(s): the part after the last "/" ("projects/p/global/networks/vpc" -> "vpc").
last_segment(s) := segment if {
	is_string(s)
	parts := split(s, "/")
	segment := parts[count(parts) - 1]
}

# describe(ids): a short, deterministic, human-readable list of ids for messages:
# "a, b, c" or "a, b, c and 4 more".
describe(ids) := text if {
	names := sort([sprintf("%v", [i]) | some i in ids])
	count(names) <= 3
	text := concat(", ", names)
}

describe(ids) := text if {
	names := sort([sprintf("%v", [i]) | some i in ids])
	count(names) > 3
	text := sprintf("%s and %d more", [concat(", ", array.slice(names, 0, 3)), count(names) - 3])
}

# unknown_paths(r, path): the entries of r.unknown that make `path` unknown: the path
# itself, a parent of it (the whole list or object is unknown) or a child of it (part
# of it is unknown). Controls report these paths so that the reason recorded at
# collection time travels with the result.
unknown_paths(r, path) := paths if {
	_has_unknown(r)
	paths := {p | some p, _ in r.unknown; _related(p, path)}
} else := set()

# Most resources have nothing unknown: answered without building a set.
_has_unknown(r) if {
	is_object(r.unknown)
	r.unknown != {}
}

_related(p, path) if p == path

_related(p, path) if startswith(path, concat("", [p, "."]))

_related(p, path) if startswith(p, concat("", [path, "."]))

# is_unknown(r, path): some entry of r.unknown makes `path` unknown.
is_unknown(r, path) if {
	_has_unknown(r)
	some p, _ in r.unknown
	_related(p, path)
}

# path(parts): a dotted attribute path from its parts ("ingress", 0, "cidr_blocks" ->
# "ingress.0.cidr_blocks"), the form the `unknown` map and the evidence use.
path(parts) := concat(".", [sprintf("%v", [p]) | some p in parts])
