variable "project_id" {
  description = "The Google Cloud project that holds every resource of this module."
  type        = string
}

variable "region" {
  description = "Region of the functions and of the buckets this module creates (a single region, e.g. europe-west1)."
  type        = string
  default     = "us-central1"
}

variable "name_prefix" {
  description = "Prefix of every resource name (functions, service accounts, default bucket names). Lower case letters, digits and hyphens."
  type        = string
  default     = "abi"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}$", var.name_prefix))
    error_message = "name_prefix must be 2 to 15 characters: a lower case letter, then lower case letters, digits or hyphens."
  }
}

variable "labels" {
  description = "Labels added to the buckets and functions."
  type        = map(string)
  default     = {}
}

variable "function_source_zip" {
  description = "Path to adapters-gcp/target/function-source.zip, which ./mvnw package makes (the uber jar at the zip's root). Uploaded to the code bucket and built by Cloud Build with the java21 runtime."
  type        = string
}

variable "create_project_services" {
  description = "Enable the APIs the deployment needs (Cloud Functions, Cloud Run, Cloud Build, Artifact Registry, Eventarc, Pub/Sub, Cloud Storage, IAM). Disabling them on destroy is never done."
  type        = bool
  default     = true
}

variable "create_state_bucket" {
  description = "Create the state bucket. When false, state_bucket_name names an existing bucket."
  type        = bool
  default     = true
}

variable "state_bucket_name" {
  description = "Name of the state bucket (all durable state: WAL, manifests, segments, keys). Default: PROJECT_ID-NAME_PREFIX-state."
  type        = string
  default     = null
}

variable "create_source_bucket" {
  description = "Create the source bucket whose objects are indexed. When false, source_bucket_name names an existing bucket."
  type        = bool
  default     = true
}

variable "source_bucket_name" {
  description = "Name of the source bucket (files dropped there are indexed). Default: PROJECT_ID-NAME_PREFIX-source."
  type        = string
  default     = null
}

variable "create_code_bucket" {
  description = "Create the bucket that holds the function source zip. When false, code_bucket_name names an existing bucket."
  type        = bool
  default     = true
}

variable "code_bucket_name" {
  description = "Name of the bucket that holds the function source zip. Default: PROJECT_ID-NAME_PREFIX-code."
  type        = string
  default     = null
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted object version is kept in the state and source buckets. Longer than the garbage collector's 7-day retention, so GC decides what goes first."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_retention_days > 7
    error_message = "noncurrent_version_retention_days must be longer than the GC retention of 7 days."
  }
}

variable "force_destroy" {
  description = "Let terraform destroy delete buckets that still hold objects. Keep false for real data."
  type        = bool
  default     = false
}

variable "create_http_function" {
  description = "Create the HTTP function (the /v1 API)."
  type        = bool
  default     = true
}

variable "allow_unauthenticated" {
  description = "Let anyone reach the HTTP function's URL (roles/run.invoker for allUsers). The API still requires its own credentials (abi.auth.enabled=true); Cloud Run IAM would claim the Authorization header the API keys use."
  type        = bool
  default     = true
}

variable "create_event_functions" {
  description = "Create the storage-event functions that index the source bucket (one per event type in index_event_types)."
  type        = bool
  default     = true
}

variable "index_event_types" {
  description = "Cloud Storage events that reach the indexer: any of finalized (created or overwritten), deleted and archived (a live version replaced or deleted in the versioned bucket)."
  type        = list(string)
  default     = ["finalized", "deleted", "archived"]

  validation {
    condition     = length(var.index_event_types) > 0 && alltrue([for t in var.index_event_types : contains(["finalized", "deleted", "archived"], t)])
    error_message = "index_event_types holds one or more of finalized, deleted and archived."
  }
}

variable "event_retry" {
  description = "Have Eventarc deliver a failed event again (RETRY_POLICY_RETRY). The indexer throws on transient failures only, and answers malformed events and poison files without a retry."
  type        = bool
  default     = true
}

variable "api_memory" {
  description = "Memory of the HTTP function (Cloud Functions gen2 format, e.g. 2Gi)."
  type        = string
  default     = "2Gi"
}

variable "api_cpu" {
  description = "vCPUs of the HTTP function (e.g. \"1\", \"2\")."
  type        = string
  default     = "1"
}

variable "api_timeout_seconds" {
  description = "Request timeout of the HTTP function, in seconds."
  type        = number
  default     = 60
}

variable "indexer_memory" {
  description = "Memory of each storage-event function (e.g. 2Gi)."
  type        = string
  default     = "2Gi"
}

variable "indexer_cpu" {
  description = "vCPUs of each storage-event function."
  type        = string
  default     = "1"
}

variable "indexer_timeout_seconds" {
  description = "Timeout of each storage-event function, in seconds (at most 540 for event-driven functions)."
  type        = number
  default     = 300

  validation {
    condition     = var.indexer_timeout_seconds > 0 && var.indexer_timeout_seconds <= 540
    error_message = "indexer_timeout_seconds must be between 1 and 540."
  }
}

variable "min_instance_count" {
  description = "Instances of the HTTP function kept warm (0 scales to zero)."
  type        = number
  default     = 0
}

variable "max_instance_count" {
  description = "Upper bound of instances of each function."
  type        = number
  default     = 10
}

variable "build_service_account" {
  description = "Service account Cloud Build uses to build the functions, as projects/PROJECT/serviceAccounts/EMAIL. Null: the project's default build service account."
  type        = string
  default     = null
}

variable "environment" {
  description = "Extra environment of every function (e.g. ABI_INDEXING_MAPPING, ABI_AUTH_BOOTSTRAP_KEY). The module's required settings (JAVA_TOOL_OPTIONS, ABI_STORE_KIND, ABI_STORE_BUCKET, ABI_GPU_URL when set) are merged last and win."
  type        = map(string)
  default     = {}
}

variable "gpu_service_url" {
  description = "Base URL of the GPU service (the gpu module's service_url). When set, every function gets ABI_GPU_URL; null (the default) leaves GPU routing off."
  type        = string
  default     = null
}
