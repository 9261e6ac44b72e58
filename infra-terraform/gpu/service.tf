# The gpu-container image on Cloud Run with a GPU: CPU always allocated (Cloud Run requires it for GPUs).
resource "google_cloud_run_v2_service" "gpu" {
  count = var.create_service ? 1 : 0

  project             = var.project_id
  location            = var.region
  name                = "${var.name_prefix}-gpu"
  description         = "ABI Serverless GPU service (/v1 on the GPU)."
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = var.deletion_protection
  labels              = var.labels

  template {
    service_account                  = google_service_account.gpu.email
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    gpu_zonal_redundancy_disabled    = var.gpu_zonal_redundancy_disabled
    max_instance_request_concurrency = 80
    timeout                          = "300s"

    scaling {
      min_instance_count = var.min_instance_count
      max_instance_count = var.max_instance_count
    }

    node_selector {
      accelerator = var.gpu_type
    }

    # Cloud Storage FUSE; Cloud Run turns implicit directories on, so the namespaces' key prefixes list as folders.
    dynamic "volumes" {
      for_each = var.state_bucket_name == null ? [] : [var.state_bucket_name]
      content {
        name = local.state_volume_name
        gcs {
          bucket    = volumes.value
          read_only = true
        }
      }
    }

    containers {
      image = var.image

      ports {
        container_port = var.container_port
      }

      resources {
        limits = {
          cpu              = var.cpu
          memory           = var.memory
          "nvidia.com/gpu" = tostring(var.gpu_count)
        }
        cpu_idle          = false
        startup_cpu_boost = true
      }

      # The state bucket, read only, where ABI_DATA_DIR points (see locals.tf).
      dynamic "volume_mounts" {
        for_each = var.state_bucket_name == null ? [] : [local.state_volume_name]
        content {
          name       = volume_mounts.value
          mount_path = local.state_mount_path
        }
      }

      dynamic "env" {
        for_each = merge(var.environment, local.required_environment)
        content {
          name  = env.key
          value = env.value
        }
      }

      startup_probe {
        initial_delay_seconds = 5
        period_seconds        = 5
        failure_threshold     = 24

        http_get {
          path = "/health"
          port = var.container_port
        }
      }
    }
  }

  depends_on = [
    google_project_service.this,
    google_storage_bucket_iam_member.gpu_state,
  ]
}
