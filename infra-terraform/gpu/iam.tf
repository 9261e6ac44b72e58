# The service's identity: reads the state bucket when one is given, nothing else.
resource "google_service_account" "gpu" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-gpu"
  display_name = "ABI GPU service"
  description  = "Runs the ABI GPU service on Cloud Run; reads the state bucket."
}

resource "google_storage_bucket_iam_member" "gpu_state" {
  count = var.state_bucket_name == null ? 0 : 1

  bucket = var.state_bucket_name
  role   = "roles/storage.objectViewer"
  member = google_service_account.gpu.member
}

# Keyed by position, so members that are only known after apply (another module's service account) still plan.
resource "google_cloud_run_v2_service_iam_member" "invokers" {
  for_each = var.create_service ? { for i, m in var.invoker_members : tostring(i) => m } : {}

  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.gpu[0].name
  role     = "roles/run.invoker"
  member   = each.value
}

resource "google_cloud_run_v2_service_iam_member" "public" {
  count = var.create_service && var.allow_unauthenticated ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.gpu[0].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
