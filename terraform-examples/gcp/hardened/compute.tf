# A100 inference VMs: no external IP, a dedicated service account with narrow scopes,
# Shielded VM, every disk encrypted with the customer-managed key, OS Login.

resource "google_compute_disk" "datasets" {
  count = var.gpu_vm_count

  name = "${local.prefix}-datasets-${count.index}"
  type = "pd-ssd"
  zone = var.zone
  size = 1000

  disk_encryption_key {
    kms_key_self_link = google_kms_crypto_key.disks.id
  }

  depends_on = [google_kms_crypto_key_iam_member.compute_agent]
}

resource "google_compute_instance" "gpu" {
  count = var.gpu_vm_count

  name         = "${local.prefix}-gpu-${count.index}"
  machine_type = var.gpu_machine_type
  zone         = var.zone
  tags         = [local.gpu_tag]

  guest_accelerator {
    type  = "nvidia-tesla-a100"
    count = 1
  }

  scheduling {
    on_host_maintenance = "TERMINATE"
    automatic_restart   = true
  }

  boot_disk {
    kms_key_self_link = google_kms_crypto_key.disks.id

    initialize_params {
      image = var.gpu_image
      size  = 200
      type  = "pd-balanced"
    }
  }

  attached_disk {
    source            = google_compute_disk.datasets[count.index].id
    device_name       = "datasets"
    kms_key_self_link = google_kms_crypto_key.disks.id
  }

  network_interface {
    subnetwork = google_compute_subnetwork.gpu.id
  }

  service_account {
    email  = google_service_account.gpu.email
    scopes = local.gpu_scopes
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    install-nvidia-driver  = "True"
    enable-oslogin         = "TRUE"
    block-project-ssh-keys = "TRUE"
  }

  depends_on = [google_kms_crypto_key_iam_member.compute_agent]
}

# A G2 (L4) notebook VM for the researchers, reached through IAP.
resource "google_compute_instance" "notebook" {
  name         = "${local.prefix}-notebook"
  machine_type = "g2-standard-8"
  zone         = var.zone
  tags         = [local.gpu_tag]

  scheduling {
    on_host_maintenance = "TERMINATE"
  }

  boot_disk {
    kms_key_self_link = google_kms_crypto_key.disks.id

    initialize_params {
      image = var.gpu_image
      size  = 150
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.gpu.id
  }

  service_account {
    email  = google_service_account.gpu.email
    scopes = local.gpu_scopes
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    enable-oslogin         = "TRUE"
    block-project-ssh-keys = "TRUE"
  }

  depends_on = [google_kms_crypto_key_iam_member.compute_agent]
}
