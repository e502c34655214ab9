# The same LLM serving stack as ../insecure, built to the AI security architecture:
# no public IPs, no internet ingress except through the load balancer, a dedicated
# service account, Shielded VMs, customer-managed disk keys, TLS 1.2+ only.
# See README.md.

locals {
  prefix  = var.name
  gpu_tag = "gpu-inference"

  common_labels = {
    project       = var.name
    owner         = "ml-platform"
    "ai-workload" = "llm"
  }

  # Narrow scopes: logs, metrics, and reading model weights from Cloud Storage. IAM
  # roles on the dedicated service account do the rest.
  gpu_scopes = [
    "https://www.googleapis.com/auth/logging.write",
    "https://www.googleapis.com/auth/monitoring.write",
    "https://www.googleapis.com/auth/devstorage.read_only",
  ]

  compute_service_agent = "service-${var.project_number}@compute-system.iam.gserviceaccount.com"
}

resource "google_compute_network" "ml" {
  name                    = "${local.prefix}-vpc"
  auto_create_subnetworks = false
}

# Private Google Access: the VMs reach Cloud Storage and Artifact Registry without
# external IPs.
resource "google_compute_subnetwork" "gpu" {
  name                     = "${local.prefix}-gpu"
  region                   = var.region
  network                  = google_compute_network.ml.id
  ip_cidr_range            = var.subnet_cidr
  private_ip_google_access = true

  log_config {
    aggregation_interval = "INTERVAL_5_SEC"
    flow_sampling        = 0.5
  }
}

resource "google_service_account" "gpu" {
  account_id   = "${local.prefix}-gpu"
  display_name = "LLM serving GPU VMs"
}

# ---------------------------------------------------------------------------------------
# Customer-managed key for the disks, rotated every 90 days; the Compute Engine service
# agent may use it.
# ---------------------------------------------------------------------------------------

resource "google_kms_key_ring" "ml" {
  name     = "${local.prefix}-ml"
  location = var.region
}

resource "google_kms_crypto_key" "disks" {
  name            = "${local.prefix}-disks"
  key_ring        = google_kms_key_ring.ml.id
  rotation_period = var.key_rotation_period

  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key_iam_member" "compute_agent" {
  crypto_key_id = google_kms_crypto_key.disks.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${local.compute_service_agent}"
}
