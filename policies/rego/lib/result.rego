# METADATA
# title: Result constructors
# description: |
#   The one way a control reports a failure or an unevaluated resource, so that every
#   result carries the evidence (the attribute and the value) that decided it.
package auditor.lib.result

import rego.v1

# fail(resource, message, attribute, value): the resource fails the control because
# `attribute` (a dotted path in its attributes, or in a related resource as
# "<resource id>#<path>") has `value`.
fail(resource, message, attribute, value) := {
	"resource": resource.id,
	"message": message,
	"evidence": {"attribute": attribute, "value": value},
}

# fail_absent(resource, message, attribute, value, kinds): a failure that rests on the
# absence of resources of `kinds` (no GuardDuty detector in the region, no VPC endpoint,
# no trail). Where one of those kinds was not collected completely in the resource's
# scope (and region), the evaluator reports it as error, not fail: absence proves
# nothing there. A failure proven by other known facts still stands.
fail_absent(resource, message, attribute, value, kinds) := {
	"resource": resource.id,
	"message": message,
	"evidence": {"attribute": attribute, "value": value},
	"absent_kinds": kinds,
}

# unknown(resource, attribute): the deciding attribute was not known at collection
# time (the reason comes from the resource's `unknown` map).
unknown(resource, attribute) := {
	"resource": resource.id,
	"reason": reason(resource, attribute),
	"evidence": {"attribute": attribute},
}

# unknown_because(resource, attribute, why): an unknown with a reason of the policy's own.
unknown_because(resource, attribute, why) := {
	"resource": resource.id,
	"reason": why,
	"evidence": {"attribute": attribute},
}

reason(resource, attribute) := resource.unknown[attribute]

reason(resource, attribute) := "value unknown" if not resource.unknown[attribute]

# is_unknown(resource, attribute): the attribute, or a parent of it, is unknown.
is_unknown(resource, attribute) if resource.unknown[attribute]

is_unknown(resource, attribute) if {
	some path, _ in resource.unknown
	startswith(attribute, concat("", [path, "."]))
}

is_unknown(resource, attribute) if {
	some path, _ in resource.unknown
	startswith(path, concat("", [attribute, "."]))
}
