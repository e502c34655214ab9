# An LLM serving stack on GCP, written the quick way: A100 VMs with public IPs behind
# an HTTPS load balancer that still speaks TLS 1.0 and plain HTTP. It violates most of
# the AI security architecture's controls: see README.md. Do not deploy it.

locals {
  prefix  = var.name
  gpu_tag = "gpu-inference"

  common_labels = {
    project       = var.name
    owner         = "ml-platform"
    "ai-workload" = "llm"
  }

  # The default compute service account, written out the way copied snippets do.
  default_compute_sa = "${var.project_number}-compute@developer.gserviceaccount.com"
}

resource "google_compute_network" "ml" {
  name                    = "${local.prefix}-vpc"
  auto_create_subnetworks = false
}

# No Private Google Access: the VMs reach Google APIs through their public IPs.
resource "google_compute_subnetwork" "gpu" {
  name                     = "${local.prefix}-gpu"
  region                   = var.region
  network                  = google_compute_network.ml.id
  ip_cidr_range            = var.subnet_cidr
  private_ip_google_access = false
}
