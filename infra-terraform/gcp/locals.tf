locals {
  state_bucket_name  = var.create_state_bucket ? google_storage_bucket.state[0].name : var.state_bucket_name
  source_bucket_name = var.create_source_bucket ? google_storage_bucket.source[0].name : var.source_bucket_name
  code_bucket_name   = var.create_code_bucket ? google_storage_bucket.code[0].name : var.code_bucket_name

  # A Cloud Storage trigger lives in the bucket's location: the module's region for the buckets it creates.
  source_bucket_location = var.create_source_bucket ? var.region : data.google_storage_bucket.source[0].location
  trigger_region         = lower(local.source_bucket_location)

  # The Java code's contract (adapters-gcp: application.properties, deploy/env.yaml). Merged after var.environment.
  gpu_environment = var.gpu_service_url == null ? {} : { ABI_GPU_URL = var.gpu_service_url }
  required_environment = merge(local.gpu_environment, {
    JAVA_TOOL_OPTIONS = "--add-modules=jdk.incubator.vector"
    ABI_STORE_KIND    = "gcs"
    ABI_STORE_BUCKET  = local.state_bucket_name
  })

  http_entry_point   = "io.quarkus.gcp.functions.http.QuarkusHttpFunction"
  events_entry_point = "dev.abi.gcp.GcpStorageEventsEntry"

  event_types = {
    finalized = "google.cloud.storage.object.v1.finalized"
    deleted   = "google.cloud.storage.object.v1.deleted"
    archived  = "google.cloud.storage.object.v1.archived"
  }
  event_functions = var.create_event_functions ? { for t in var.index_event_types : t => local.event_types[t] } : {}

  project_services = toset([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "eventarc.googleapis.com",
    "iam.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "storage.googleapis.com",
  ])
}
