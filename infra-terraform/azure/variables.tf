variable "location" {
  description = "Azure region of every resource (e.g. westeurope)."
  type        = string
  default     = "westeurope"
}

variable "name_prefix" {
  description = "Prefix of every resource name. Lower case letters and digits, optionally with hyphens (removed where Azure forbids them)."
  type        = string
  default     = "abi"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,9}$", var.name_prefix))
    error_message = "name_prefix must be 2 to 10 characters: a lower case letter, then lower case letters, digits or hyphens."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes them."
  type        = map(string)
  default     = {}
}

variable "create_resource_group" {
  description = "Create the resource group. When false, resource_group_name names an existing one."
  type        = bool
  default     = true
}

variable "resource_group_name" {
  description = "Name of the resource group. Default: NAME_PREFIX-rg."
  type        = string
  default     = null
}

variable "storage_account_name" {
  description = "Name of the storage account (3 to 24 lower case letters and digits, globally unique). It holds the Functions host's storage, the state, source, dead-letter and package containers. Default: derived from name_prefix and a hash of the resource group and location."
  type        = string
  default     = null
}

variable "storage_replication_type" {
  description = "Replication of the storage account (LRS, ZRS, GRS, RAGRS, GZRS, RAGZRS)."
  type        = string
  default     = "LRS"
}

variable "state_container_name" {
  description = "Blob container that holds all durable state (ABI_STORE_BUCKET)."
  type        = string
  default     = "abi-state"
}

variable "source_container_name" {
  description = "Blob container whose blobs are indexed (ABI_INGEST_CONTAINER, and the Event Grid subject filter)."
  type        = string
  default     = "abi-ingest"
}

variable "dead_letter_container_name" {
  description = "Blob container where Event Grid writes events it could not deliver."
  type        = string
  default     = "abi-deadletter"
}

variable "package_container_name" {
  description = "Blob container that holds the Function App package (run from package)."
  type        = string
  default     = "abi-packages"
}

variable "noncurrent_version_retention_days" {
  description = "Days a previous blob version is kept (lifecycle rule on the versioned account). Longer than the garbage collector's 7-day retention."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_retention_days > 7
    error_message = "noncurrent_version_retention_days must be longer than the GC retention of 7 days."
  }
}

variable "app_package_zip" {
  description = "Path to adapters-azure/target/app-package.zip, which ./mvnw package makes from the staged app folder (host.json, the jar, lib/ and one folder per function at the zip's root). Uploaded as a blob; the app runs from it, fetched with its managed identity."
  type        = string
}

variable "function_app_name" {
  description = "Name of the Function App (globally unique: it is the host name). Default: NAME_PREFIX-api- plus a hash of the resource group and location."
  type        = string
  default     = null
}

variable "service_plan_sku" {
  description = "SKU of the Linux App Service plan: Y1 (Consumption), EP1 to EP3 (Elastic Premium) or a Dedicated SKU."
  type        = string
  default     = "Y1"
}

variable "create_application_insights" {
  description = "Create a Log Analytics workspace and workspace-based Application Insights for the Function App."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the Log Analytics workspace, in days."
  type        = number
  default     = 30
}

variable "create_event_subscription" {
  description = "Create the Event Grid subscription that sends BlobCreated and BlobDeleted to the blobEvents function. Azure validates the function when the subscription is created, so this fails until the app's code is deployed: apply once with false, then again with true."
  type        = bool
  default     = false
}

variable "keep_blob_trigger" {
  description = "Keep the blobIndexer blob trigger running after the Event Grid subscription exists. False (the default) disables it then (AzureWebJobs.blobIndexer.Disabled), so each blob is indexed once and by the path that also sees deletions."
  type        = bool
  default     = false
}

variable "event_max_delivery_attempts" {
  description = "Event Grid delivery attempts per event (1 to 30) before the event is dead-lettered."
  type        = number
  default     = 30

  validation {
    condition     = var.event_max_delivery_attempts >= 1 && var.event_max_delivery_attempts <= 30
    error_message = "event_max_delivery_attempts must be between 1 and 30."
  }
}

variable "event_time_to_live_minutes" {
  description = "Minutes Event Grid keeps retrying an event (1 to 1440) before it is dead-lettered."
  type        = number
  default     = 1440

  validation {
    condition     = var.event_time_to_live_minutes >= 1 && var.event_time_to_live_minutes <= 1440
    error_message = "event_time_to_live_minutes must be between 1 and 1440."
  }
}

variable "environment" {
  description = "Extra app settings (e.g. ABI_INDEXING_MAPPING, ABI_AUTH_BOOTSTRAP_KEY). The module's required settings (JAVA_TOOL_OPTIONS, ABI_STORE_KIND, ABI_STORE_BUCKET, ABI_INGEST_CONTAINER, the package settings, ABI_GPU_URL when set) are merged last and win."
  type        = map(string)
  default     = {}
}

variable "gpu_service_url" {
  description = "Base URL of the GPU service (the gpu module's service_url). When set, the Function App gets ABI_GPU_URL; null (the default) leaves GPU routing off."
  type        = string
  default     = null
}
