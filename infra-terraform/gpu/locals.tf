locals {
  # The Vector API flag, as in Dockerfile.jvm (kept here too: a service-level env overrides the image's ENV).
  store_environment = var.state_bucket_name == null ? {} : {
    ABI_STORE_KIND   = "gcs"
    ABI_STORE_BUCKET = var.state_bucket_name
  }
  required_environment = merge(local.store_environment, {
    JAVA_TOOL_OPTIONS = "--add-modules=jdk.incubator.vector"
  })

  repository_id  = "${var.name_prefix}-images"
  repository_url = "${var.region}-docker.pkg.dev/${var.project_id}/${local.repository_id}"

  project_services = toset([
    "artifactregistry.googleapis.com",
    "run.googleapis.com",
  ])
}
