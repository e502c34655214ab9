# Only Google's load balancer proxies and health checkers reach the model server, on
# 443; SSH and Jupyter only through IAP; everything else is denied (and logged).

resource "google_compute_firewall" "gpu_from_lb" {
  name      = "${local.prefix}-gpu-from-lb"
  network   = google_compute_network.ml.name
  direction = "INGRESS"
  priority  = 1000

  allow {
    protocol = "tcp"
    ports    = [tostring(var.inference_port)]
  }

  source_ranges = var.google_health_check_ranges
  target_tags   = [local.gpu_tag]
}

resource "google_compute_firewall" "gpu_admin_iap" {
  name      = "${local.prefix}-gpu-admin-iap"
  network   = google_compute_network.ml.name
  direction = "INGRESS"
  priority  = 1000

  allow {
    protocol = "tcp"
    ports    = ["22", "8888"]
  }

  source_ranges           = [var.iap_tcp_forwarding_range]
  target_service_accounts = [google_service_account.gpu.email]
}

resource "google_compute_firewall" "deny_all_ingress" {
  name      = "${local.prefix}-deny-all-ingress"
  network   = google_compute_network.ml.name
  direction = "INGRESS"
  priority  = 65000

  deny {
    protocol = "all"
  }

  source_ranges = ["0.0.0.0/0"]

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}
