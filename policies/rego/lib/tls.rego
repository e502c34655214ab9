# METADATA
# title: TLS helpers
# description: |
#   Which load balancer SSL policies enforce TLS 1.2 or later. With
#   data.auditor.config.elb_tls_policies set, exactly the policies listed; left empty,
#   the AWS predefined policies whose name says TLS 1.2 or 1.3 is the minimum:
#   ELBSecurityPolicy-TLS13-1-2-*, ELBSecurityPolicy-TLS13-1-3-*,
#   ELBSecurityPolicy-TLS-1-2-*, ELBSecurityPolicy-FS-1-2-* (their -FIPS- and -PQ-
#   variants included). Not ELBSecurityPolicy-2016-08 (the API's default),
#   -2015-05, -TLS-1-1-*, -FS-2018-06, -TLS13-1-0-*, -TLS13-1-1-*.
package auditor.lib.tls

import rego.v1

# The policy an HTTPS or TLS listener gets when none is given through the API,
# CloudFormation or Terraform (it admits TLS 1.0).
elb_default_policy := "ELBSecurityPolicy-2016-08"

_tls12_name_pattern := `^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)-`

# elb_policy_tls12(name): the ELBv2 SSL policy `name` refuses TLS versions below 1.2.
elb_policy_tls12(name) if {
	is_string(name)
	count(data.auditor.config.elb_tls_policies) > 0
	name in data.auditor.config.elb_tls_policies
}

elb_policy_tls12(name) if {
	is_string(name)
	count(data.auditor.config.elb_tls_policies) == 0
	regex.match(_tls12_name_pattern, name)
}

# tls_protocols: listener protocols that terminate TLS.
tls_protocols := {"HTTPS", "TLS"}
