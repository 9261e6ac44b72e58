# The state bucket: every durable byte (WAL, manifests, segments, keys). Versioned, uniform access, never public.
resource "google_storage_bucket" "state" {
  count = var.create_state_bucket ? 1 : 0

  project                     = var.project_id
  name                        = coalesce(var.state_bucket_name, "${var.project_id}-${var.name_prefix}-state")
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy
  labels                      = var.labels

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_version_retention_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.this]
}

# The source bucket: files dropped here are indexed by the storage-event functions.
resource "google_storage_bucket" "source" {
  count = var.create_source_bucket ? 1 : 0

  project                     = var.project_id
  name                        = coalesce(var.source_bucket_name, "${var.project_id}-${var.name_prefix}-source")
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy
  labels                      = var.labels

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_version_retention_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.this]
}

# An existing source bucket: its location decides the trigger region.
data "google_storage_bucket" "source" {
  count = var.create_source_bucket ? 0 : 1

  name = var.source_bucket_name
}

# The code bucket: the function source zip, one object per content hash.
resource "google_storage_bucket" "code" {
  count = var.create_code_bucket ? 1 : 0

  project                     = var.project_id
  name                        = coalesce(var.code_bucket_name, "${var.project_id}-${var.name_prefix}-code")
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  labels                      = var.labels

  versioning {
    enabled = true
  }

  depends_on = [google_project_service.this]
}

resource "google_storage_bucket_object" "function_source" {
  bucket = local.code_bucket_name
  name   = "${var.name_prefix}-gcp-${filemd5(var.function_source_zip)}.zip"
  source = var.function_source_zip
}
