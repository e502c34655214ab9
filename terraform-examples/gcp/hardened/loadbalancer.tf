# Global external Application Load Balancer: HTTPS only with a MODERN, TLS 1.2+ SSL
# policy, TLS again to the backends, Cloud Armor rate limiting, and port 80 only
# redirecting to HTTPS.

resource "google_compute_instance_group" "gpu" {
  name      = "${local.prefix}-gpu"
  zone      = var.zone
  instances = google_compute_instance.gpu[*].self_link

  named_port {
    name = "https"
    port = var.inference_port
  }
}

resource "google_compute_health_check" "gpu" {
  name = "${local.prefix}-gpu"

  https_health_check {
    port         = var.inference_port
    request_path = "/health"
  }
}

resource "google_compute_security_policy" "inference" {
  name = "${local.prefix}-inference"

  rule {
    action   = "throttle"
    priority = 1000

    match {
      versioned_expr = "SRC_IPS_V1"

      config {
        src_ip_ranges = ["*"]
      }
    }

    rate_limit_options {
      conform_action = "allow"
      exceed_action  = "deny(429)"
      enforce_on_key = "IP"

      rate_limit_threshold {
        count        = 600
        interval_sec = 60
      }
    }
  }

  rule {
    action   = "allow"
    priority = 2147483647

    match {
      versioned_expr = "SRC_IPS_V1"

      config {
        src_ip_ranges = ["*"]
      }
    }
  }
}

resource "google_compute_backend_service" "gpu" {
  name                  = "${local.prefix}-gpu"
  protocol              = "HTTPS"
  port_name             = "https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  timeout_sec           = 300
  health_checks         = [google_compute_health_check.gpu.id]
  security_policy       = google_compute_security_policy.inference.id

  backend {
    group = google_compute_instance_group.gpu.id
  }

  log_config {
    enable      = true
    sample_rate = 0.1
  }
}

resource "google_compute_url_map" "gpu" {
  name            = "${local.prefix}-gpu"
  default_service = google_compute_backend_service.gpu.id
}

resource "google_compute_ssl_policy" "modern" {
  name            = "${local.prefix}-modern"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_managed_ssl_certificate" "inference" {
  name = "${local.prefix}-inference"

  managed {
    domains = [var.domain]
  }
}

resource "google_compute_global_address" "inference" {
  name = "${local.prefix}-inference"
}

resource "google_compute_target_https_proxy" "gpu" {
  name             = "${local.prefix}-https"
  url_map          = google_compute_url_map.gpu.id
  ssl_certificates = [google_compute_managed_ssl_certificate.inference.id]
  ssl_policy       = google_compute_ssl_policy.modern.id
}

resource "google_compute_global_forwarding_rule" "https" {
  name                  = "${local.prefix}-https"
  target                = google_compute_target_https_proxy.gpu.id
  ip_address            = google_compute_global_address.inference.address
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}

# Port 80 answers only with a redirect to HTTPS: no backend behind it.
resource "google_compute_url_map" "https_redirect" {
  name = "${local.prefix}-https-redirect"

  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "redirect" {
  name    = "${local.prefix}-http-redirect"
  url_map = google_compute_url_map.https_redirect.id
}

resource "google_compute_global_forwarding_rule" "http_redirect" {
  name                  = "${local.prefix}-http-redirect"
  target                = google_compute_target_http_proxy.redirect.id
  ip_address            = google_compute_global_address.inference.address
  port_range            = "80"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}
