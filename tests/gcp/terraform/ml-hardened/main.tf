# The ml-hardened project of tests/gcp/estate.py, written in Terraform.
provider "google" {
  project = "ml-hardened"
  region  = "us-central1"
}

resource "google_compute_network" "ml-vpc" {
  name                    = "ml-vpc"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "training" {
  name                     = "training"
  network                  = google_compute_network.ml-vpc.id
  ip_cidr_range            = "10.20.0.0/20"
  region                   = "us-central1"
  private_ip_google_access = true
}

resource "google_kms_crypto_key" "disks" {
  name     = "disks"
  key_ring = "projects/ml-hardened/locations/us-central1/keyRings/ml"
}

resource "google_compute_disk" "trainer" {
  name = "trainer"
  zone = "us-central1-a"
  disk_encryption_key {
    kms_key_self_link = google_kms_crypto_key.disks.id
  }
}

resource "google_compute_disk" "datasets" {
  name = "datasets"
  zone = "us-central1-a"
  disk_encryption_key {
    kms_key_self_link = google_kms_crypto_key.disks.id
  }
}

resource "google_compute_instance" "trainer" {
  name         = "trainer"
  machine_type = "a3-highgpu-8g"
  zone         = "us-central1-a"
  tags         = ["trainer"]

  guest_accelerator {
    type  = "nvidia-h100-80gb"
    count = 8
  }

  boot_disk {
    source = google_compute_disk.trainer.id
  }

  attached_disk {
    source = google_compute_disk.datasets.id
  }

  scratch_disk {
    interface = "NVME"
  }

  network_interface {
    network    = google_compute_network.ml-vpc.id
    subnetwork = google_compute_subnetwork.training.id
  }

  service_account {
    email  = "trainer@ml-hardened.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }
}

resource "google_compute_firewall" "allow-iap-ssh" {
  name                    = "allow-iap-ssh"
  network                 = google_compute_network.ml-vpc.name
  source_ranges           = ["35.235.240.0/20"]
  target_service_accounts = ["trainer@ml-hardened.iam.gserviceaccount.com"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "google_compute_ssl_policy" "modern" {
  name            = "modern"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_backend_service" "inference" {
  name                  = "inference"
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  backend {
    group = "projects/ml-hardened/zones/us-central1-a/instanceGroups/inference"
  }
}

resource "google_compute_url_map" "inference" {
  name            = "inference"
  default_service = google_compute_backend_service.inference.id
}

resource "google_compute_target_https_proxy" "inference" {
  name             = "inference"
  url_map          = google_compute_url_map.inference.id
  ssl_policy       = google_compute_ssl_policy.modern.id
  ssl_certificates = ["projects/ml-hardened/global/sslCertificates/inference"]
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
