# Global external load balancer: HTTPS with the COMPATIBLE profile down to TLS 1.0, and
# the same URL map served over plain HTTP on port 80.

resource "google_compute_instance_group" "gpu" {
  name      = "${local.prefix}-gpu"
  zone      = var.zone
  instances = google_compute_instance.gpu[*].self_link

  named_port {
    name = "http"
    port = var.inference_port
  }
}

resource "google_compute_health_check" "gpu" {
  name = "${local.prefix}-gpu"

  http_health_check {
    port         = var.inference_port
    request_path = "/health"
  }
}

resource "google_compute_backend_service" "gpu" {
  name                  = "${local.prefix}-gpu"
  protocol              = "HTTP"
  port_name             = "http"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  timeout_sec           = 300
  health_checks         = [google_compute_health_check.gpu.id]

  backend {
    group = google_compute_instance_group.gpu.id
  }
}

resource "google_compute_url_map" "gpu" {
  name            = "${local.prefix}-gpu"
  default_service = google_compute_backend_service.gpu.id
}

resource "google_compute_ssl_policy" "compatible" {
  name            = "${local.prefix}-compatible"
  profile         = "COMPATIBLE"
  min_tls_version = "TLS_1_0"
}

resource "google_compute_managed_ssl_certificate" "inference" {
  name = "${local.prefix}-inference"

  managed {
    domains = [var.domain]
  }
}

resource "google_compute_target_https_proxy" "gpu" {
  name             = "${local.prefix}-https"
  url_map          = google_compute_url_map.gpu.id
  ssl_certificates = [google_compute_managed_ssl_certificate.inference.id]
  ssl_policy       = google_compute_ssl_policy.compatible.id
}

resource "google_compute_global_forwarding_rule" "https" {
  name                  = "${local.prefix}-https"
  target                = google_compute_target_https_proxy.gpu.id
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}

resource "google_compute_target_http_proxy" "gpu" {
  name    = "${local.prefix}-http"
  url_map = google_compute_url_map.gpu.id
}

resource "google_compute_global_forwarding_rule" "http" {
  name                  = "${local.prefix}-http"
  target                = google_compute_target_http_proxy.gpu.id
  port_range            = "80"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}
