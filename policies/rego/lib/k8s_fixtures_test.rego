package auditor.lib.k8s_fixtures_test

import rego.v1

test_gpu_deployment_is_a_gpu_workload if {
	w := data.auditor.lib.k8s_fixtures.gpu_deployment("llm", "ml")
	data.auditor.lib.k8s.gpu_workload(w) with data.auditor.config as data.auditor.lib.testing.config
	w.region == "ml"
}
