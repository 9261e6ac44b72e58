resource "google_project_service" "this" {
  for_each = var.create_project_services ? local.project_services : toset([])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}
