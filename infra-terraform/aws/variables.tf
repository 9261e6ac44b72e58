variable "name" {
  description = "Prefix of every resource name (functions, roles, queues, table, log groups, API)."
  type        = string
  default     = "abi"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}$", var.name))
    error_message = "name must be 2 to 39 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "package_path" {
  description = "Path of the Lambda package built by `./mvnw -pl adapters-aws -am package` (adapters-aws/target/function.zip)."
  type        = string
}

variable "state_bucket_name" {
  description = "Name of the S3 bucket this module creates for all durable state (ABI_STORE_BUCKET)."
  type        = string
}

variable "environment" {
  description = "Extra environment variables of both functions (ABI_* settings such as ABI_AUTH_ENABLED). The module's own entries (store, metadata table, JAVA_TOOL_OPTIONS) win over these."
  type        = map(string)
  default     = {}
}

variable "api_memory_size" {
  description = "Memory of the API function in MB (the SAM template's AbiApi: 2048)."
  type        = number
  default     = 2048
}

variable "api_timeout" {
  description = "Timeout of the API function in seconds (the SAM template's AbiApi: 30)."
  type        = number
  default     = 30
}

variable "indexer_memory_size" {
  description = "Memory of the indexing function in MB (the SAM template's AbiIndexer: 2048)."
  type        = number
  default     = 2048
}

variable "indexer_timeout" {
  description = "Timeout of the indexing function in seconds (the SAM template's AbiIndexer: 60). The queue's visibility timeout is six times this."
  type        = number
  default     = 60
}

variable "create_http_api" {
  description = "Create an API Gateway HTTP API (payload format 2.0) in front of the API function's alias."
  type        = bool
  default     = true
}

variable "create_function_url" {
  description = "Create a Lambda Function URL on the API function's alias (auth NONE: the application checks its own API keys or JWTs)."
  type        = bool
  default     = false
}

variable "create_indexer" {
  description = "Create the event-triggered indexing: the indexing function, the queue, its dead-letter queue and the source bucket's notifications."
  type        = bool
  default     = true
}

variable "create_source_bucket" {
  description = "Create the source bucket named source_bucket_name (false: use an existing bucket of that name, whose notification configuration this module then owns)."
  type        = bool
  default     = true
}

variable "source_bucket_name" {
  description = "Name of the bucket whose files are indexed (docs/a.md goes to namespace docs). Required when create_indexer is true."
  type        = string
  default     = null
}

variable "snap_start" {
  description = "Turn SnapStart on for both functions (it applies to published versions: the aliases point at them)."
  type        = bool
  default     = true
}

variable "batch_size" {
  description = "Messages per invocation of the indexing function (the SAM template: 10)."
  type        = number
  default     = 10
}

variable "max_receive_count" {
  description = "Deliveries of a message before it moves to the dead-letter queue."
  type        = number
  default     = 5
}

variable "noncurrent_version_expiration_days" {
  description = "Days an overwritten or deleted state object is kept: the backstop behind garbage collection, whose retention is 7 days (docs/runbooks/restore.md)."
  type        = number
  default     = 9

  validation {
    condition     = var.noncurrent_version_expiration_days > 7
    error_message = "noncurrent_version_expiration_days must exceed the 7-day GC retention."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' CloudWatch log groups in days."
  type        = number
  default     = 30
}

variable "force_destroy" {
  description = "Let terraform destroy delete the state bucket with its objects (for throwaway deployments only)."
  type        = bool
  default     = false
}

variable "gpu_service_url" {
  description = "Base URL of the GPU service (the gpu module's service_url). When set, the functions get ABI_GPU_URL; null (the default) leaves GPU routing off."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of every resource that takes tags."
  type        = map(string)
  default     = {}
}

variable "tracing_mode" {
  description = "X-Ray tracing of the functions: Active (each invocation traced, the default) or PassThrough (only requests that arrive with a sampled trace header)."
  type        = string
  default     = "Active"

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "create_alarms" {
  description = "Create the CloudWatch alarm set of docs/operations.md (5xx rate, p99 query latency, breaker open, dead letters, commit conflicts)."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "ARNs (SNS topics, say) notified when an alarm fires and when it recovers; empty: the alarms only change state."
  type        = list(string)
  default     = []
}

variable "alarm_5xx_rate" {
  description = "Share of HTTP API requests answered 5xx over 5 minutes above which the 5xx alarm fires (0.01 = 1%)."
  type        = number
  default     = 0.01
}

variable "alarm_query_p99_ms" {
  description = "p99 query latency in milliseconds over 5 minutes above which the query latency alarm fires."
  type        = number
  default     = 1000
}

variable "alarm_commit_conflicts" {
  description = "Commit-log conflicts in 5 minutes above which the contention alarm fires."
  type        = number
  default     = 100
}
