# The HTTP API: the same gateway as the local server, behind Quarkus's GCF HTTP bridge.
resource "google_cloudfunctions2_function" "api" {
  count = var.create_http_function ? 1 : 0

  project     = var.project_id
  location    = var.region
  name        = "${var.name_prefix}-api"
  description = "ABI Serverless HTTP API (/v1)."
  labels      = var.labels

  build_config {
    runtime         = "java21"
    entry_point     = local.http_entry_point
    service_account = var.build_service_account

    source {
      storage_source {
        bucket = local.code_bucket_name
        object = google_storage_bucket_object.function_source.name
      }
    }
  }

  service_config {
    available_memory               = var.api_memory
    available_cpu                  = var.api_cpu
    timeout_seconds                = var.api_timeout_seconds
    min_instance_count             = var.min_instance_count
    max_instance_count             = var.max_instance_count
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.runtime.email
    environment_variables          = merge(var.environment, local.required_environment)
  }

  depends_on = [
    google_project_service.this,
    google_storage_bucket_iam_member.runtime_state,
  ]
}

# The indexer: one function per Cloud Storage event type, all on the CloudEvents entry point.
resource "google_cloudfunctions2_function" "events" {
  for_each = local.event_functions

  project     = var.project_id
  location    = var.region
  name        = "${var.name_prefix}-index-${each.key}"
  description = "ABI Serverless indexer: ${each.value} in ${local.source_bucket_name}."
  labels      = var.labels

  build_config {
    runtime         = "java21"
    entry_point     = local.events_entry_point
    service_account = var.build_service_account

    source {
      storage_source {
        bucket = local.code_bucket_name
        object = google_storage_bucket_object.function_source.name
      }
    }
  }

  service_config {
    available_memory               = var.indexer_memory
    available_cpu                  = var.indexer_cpu
    timeout_seconds                = var.indexer_timeout_seconds
    min_instance_count             = 0
    max_instance_count             = var.max_instance_count
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.runtime.email
    environment_variables          = merge(var.environment, local.required_environment)
  }

  event_trigger {
    trigger_region        = local.trigger_region
    event_type            = each.value
    retry_policy          = var.event_retry ? "RETRY_POLICY_RETRY" : "RETRY_POLICY_DO_NOT_RETRY"
    service_account_email = google_service_account.trigger[0].email

    event_filters {
      attribute = "bucket"
      value     = local.source_bucket_name
    }
  }

  depends_on = [
    google_project_service.this,
    google_project_iam_member.gcs_pubsub_publisher,
    google_project_iam_member.trigger_event_receiver,
    google_storage_bucket_iam_member.runtime_state,
    google_storage_bucket_iam_member.runtime_source,
  ]
}
