# The functions' runtime identity: object roles on the two buckets it uses, nothing project-wide.
resource "google_service_account" "runtime" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-runtime"
  display_name = "ABI functions runtime"
  description  = "Runs the ABI Cloud Functions: reads and writes the state bucket, reads the source bucket."

  depends_on = [google_project_service.this]
}

resource "google_storage_bucket_iam_member" "runtime_state" {
  bucket = local.state_bucket_name
  role   = "roles/storage.objectAdmin"
  member = google_service_account.runtime.member

  lifecycle {
    precondition {
      condition     = local.state_bucket_name != null
      error_message = "Set state_bucket_name when create_state_bucket is false."
    }
  }
}

resource "google_storage_bucket_iam_member" "runtime_source" {
  bucket = local.source_bucket_name
  role   = "roles/storage.objectViewer"
  member = google_service_account.runtime.member

  lifecycle {
    precondition {
      condition     = local.source_bucket_name != null
      error_message = "Set source_bucket_name when create_source_bucket is false."
    }
  }
}

# Eventarc's identity for the storage triggers: receives events and invokes the indexer's Cloud Run services.
resource "google_service_account" "trigger" {
  count = var.create_event_functions ? 1 : 0

  project      = var.project_id
  account_id   = "${var.name_prefix}-eventarc"
  display_name = "ABI Eventarc trigger"
  description  = "Delivers Cloud Storage events to the ABI indexer functions."

  depends_on = [google_project_service.this]
}

resource "google_project_iam_member" "trigger_event_receiver" {
  count = var.create_event_functions ? 1 : 0

  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = google_service_account.trigger[0].member
}

resource "google_cloud_run_v2_service_iam_member" "trigger_invoker" {
  for_each = google_cloudfunctions2_function.events

  project  = var.project_id
  location = var.region
  name     = each.value.name
  role     = "roles/run.invoker"
  member   = google_service_account.trigger[0].member
}

# Cloud Storage publishes its events through Pub/Sub: its service agent needs the publisher role.
data "google_storage_project_service_account" "gcs" {
  count = var.create_event_functions ? 1 : 0

  project = var.project_id

  depends_on = [google_project_service.this]
}

resource "google_project_iam_member" "gcs_pubsub_publisher" {
  count = var.create_event_functions ? 1 : 0

  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = data.google_storage_project_service_account.gcs[0].member
}

# The HTTP function's URL for anyone (the API checks its own credentials).
resource "google_cloud_run_v2_service_iam_member" "api_public" {
  count = var.create_http_function && var.allow_unauthenticated ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.api[0].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
