# The ml-insecure project of tests/gcp/estate.py, written in Terraform: the same
# verdicts are expected from this code and from the live API.
provider "google" {
  project = "ml-insecure"
  region  = "us-central1"
}

resource "google_compute_network" "ml-vpc" {
  name                    = "ml-vpc"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "training" {
  name          = "training"
  network       = google_compute_network.ml-vpc.id
  ip_cidr_range = "10.10.0.0/20"
  region        = "us-central1"
}

resource "google_compute_disk" "trainer" {
  name = "trainer"
  zone = "us-central1-a"
  size = 200
}

resource "google_compute_disk" "datasets" {
  name = "datasets"
  zone = "us-central1-a"
  size = 2000
  disk_encryption_key {
    raw_key = var.datasets_key
  }
}

variable "datasets_key" {
  type      = string
  sensitive = true
}

resource "google_compute_instance" "trainer" {
  name         = "trainer"
  machine_type = "a2-highgpu-1g"
  zone         = "us-central1-a"
  tags         = ["trainer"]
  labels       = { team = "ml" }

  guest_accelerator {
    type  = "nvidia-tesla-a100"
    count = 1
  }

  boot_disk {
    source = google_compute_disk.trainer.id
  }

  attached_disk {
    source = google_compute_disk.datasets.id
  }

  network_interface {
    network    = google_compute_network.ml-vpc.id
    subnetwork = google_compute_subnetwork.training.id
    access_config {}
  }

  service_account {
    email  = "123456789012-compute@developer.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }
}

resource "google_compute_instance" "web" {
  name         = "web"
  machine_type = "e2-small"
  zone         = "us-central1-a"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    network    = google_compute_network.ml-vpc.id
    subnetwork = google_compute_subnetwork.training.id
    access_config {}
  }
}

resource "google_compute_firewall" "allow-ssh" {
  name          = "allow-ssh"
  network       = google_compute_network.ml-vpc.name
  source_ranges = ["0.0.0.0/0"]
  target_tags   = ["trainer"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

# No source: every source; no target: every VM of the network.
resource "google_compute_firewall" "allow-jupyter" {
  name    = "allow-jupyter"
  network = google_compute_network.ml-vpc.name
  allow {
    protocol = "tcp"
    ports    = ["8888", "8000-9000"]
  }
}

resource "google_compute_firewall" "allow-internal" {
  name          = "allow-internal"
  network       = google_compute_network.ml-vpc.name
  source_ranges = ["10.0.0.0/8"]
  allow {
    protocol = "all"
  }
}

resource "google_compute_firewall" "allow-web" {
  name                    = "allow-web"
  network                 = google_compute_network.ml-vpc.name
  source_ranges           = ["0.0.0.0/0"]
  target_service_accounts = ["web@ml-insecure.iam.gserviceaccount.com"]
  allow {
    protocol = "tcp"
    ports    = ["443"]
  }
}

resource "google_compute_ssl_policy" "weak" {
  name            = "weak"
  profile         = "COMPATIBLE"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_backend_service" "inference" {
  name                  = "inference"
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  backend {
    group = "projects/ml-insecure/zones/us-central1-a/instanceGroups/inference"
  }
}

resource "google_compute_url_map" "inference" {
  name            = "inference"
  default_service = google_compute_backend_service.inference.id
}

resource "google_compute_target_https_proxy" "inference" {
  name             = "inference"
  url_map          = google_compute_url_map.inference.id
  ssl_certificates = ["projects/ml-insecure/global/sslCertificates/inference"]
}

resource "google_compute_target_https_proxy" "legacy" {
  name             = "legacy"
  url_map          = google_compute_url_map.inference.id
  ssl_policy       = google_compute_ssl_policy.weak.id
  ssl_certificates = ["projects/ml-insecure/global/sslCertificates/inference"]
}

resource "google_compute_target_http_proxy" "redirect" {
  name    = "redirect"
  url_map = google_compute_url_map.inference.id
}

resource "google_compute_global_forwarding_rule" "inference-https" {
  name                  = "inference-https"
  target                = google_compute_target_https_proxy.inference.id
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}

resource "google_compute_global_forwarding_rule" "inference-http" {
  name                  = "inference-http"
  target                = google_compute_target_http_proxy.redirect.id
  port_range            = "80"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}
