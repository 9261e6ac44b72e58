resource "google_project_service" "this" {
  for_each = var.create_project_services ? local.project_services : toset([])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

resource "google_artifact_registry_repository" "images" {
  count = var.create_repository ? 1 : 0

  project       = var.project_id
  location      = var.region
  repository_id = local.repository_id
  format        = "DOCKER"
  description   = "ABI Serverless container images (gpu-container)."
  labels        = var.labels

  depends_on = [google_project_service.this]
}
