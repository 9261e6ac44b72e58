output "api_url" {
  description = "HTTPS URL of the HTTP function (the /v1 API); null when create_http_function is false."
  value       = var.create_http_function ? google_cloudfunctions2_function.api[0].url : null
}

output "api_function_name" {
  description = "Name of the HTTP function; null when create_http_function is false."
  value       = var.create_http_function ? google_cloudfunctions2_function.api[0].name : null
}

output "event_function_names" {
  description = "Names of the storage-event functions, by event type (finalized, deleted, archived)."
  value       = { for k, f in google_cloudfunctions2_function.events : k => f.name }
}

output "state_bucket_name" {
  description = "The state bucket (ABI_STORE_BUCKET)."
  value       = local.state_bucket_name
}

output "source_bucket_name" {
  description = "The source bucket: objects finalized, deleted or archived there are indexed."
  value       = local.source_bucket_name
}

output "code_bucket_name" {
  description = "The bucket that holds the function source zip."
  value       = local.code_bucket_name
}

output "runtime_service_account_email" {
  description = "Email of the functions' runtime service account."
  value       = google_service_account.runtime.email
}

output "trigger_service_account_email" {
  description = "Email of the Eventarc trigger service account; null when create_event_functions is false."
  value       = var.create_event_functions ? google_service_account.trigger[0].email : null
}

output "environment_keys" {
  description = "Names of the environment variables every function gets (the caller's plus the required ones)."
  value       = sort(keys(merge(var.environment, local.required_environment)))
}
