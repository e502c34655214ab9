# SSH and Jupyter from the whole internet to the GPU VMs.
resource "google_compute_firewall" "gpu_admin" {
  name      = "${local.prefix}-gpu-admin"
  network   = google_compute_network.ml.name
  direction = "INGRESS"

  allow {
    protocol = "tcp"
    ports    = ["22", "8888"]
  }

  source_ranges = ["0.0.0.0/0"]
  target_tags   = [local.gpu_tag]
}

# The model server straight from the internet, bypassing the load balancer.
resource "google_compute_firewall" "gpu_inference" {
  name      = "${local.prefix}-gpu-inference"
  network   = google_compute_network.ml.name
  direction = "INGRESS"

  allow {
    protocol = "tcp"
    ports    = [tostring(var.inference_port)]
  }

  source_ranges = ["0.0.0.0/0"]
  target_tags   = [local.gpu_tag]
}

# "Temporary" debugging rule: every protocol from everywhere, to every instance of the
# network (no target tags).
resource "google_compute_firewall" "allow_all_debug" {
  name      = "${local.prefix}-allow-all-debug"
  network   = google_compute_network.ml.name
  direction = "INGRESS"
  priority  = 900

  allow {
    protocol = "all"
  }

  source_ranges = ["0.0.0.0/0"]
}
