output "resource_group_name" {
  description = "The resource group that holds every resource."
  value       = local.resource_group_name
}

output "function_app_name" {
  description = "Name of the Function App."
  value       = azurerm_linux_function_app.this.name
}

output "api_url" {
  description = "Base URL of the HTTP API (routes are /v1/... and /health: the host's route prefix is empty)."
  value       = "https://${azurerm_linux_function_app.this.default_hostname}"
}

output "storage_account_name" {
  description = "The storage account (host storage, state, source, dead letters, package)."
  value       = azurerm_storage_account.this.name
}

output "state_container_name" {
  description = "The state container (ABI_STORE_BUCKET)."
  value       = azurerm_storage_container.state.name
}

output "source_container_name" {
  description = "The source container: blobs created or deleted there are indexed."
  value       = azurerm_storage_container.source.name
}

output "dead_letter_container_name" {
  description = "The container Event Grid dead-letters into."
  value       = azurerm_storage_container.dead_letter.name
}

output "identity_principal_id" {
  description = "Principal id of the Function App's user-assigned identity."
  value       = azurerm_user_assigned_identity.app.principal_id
}

output "system_topic_name" {
  description = "The Event Grid system topic of the storage account."
  value       = azurerm_eventgrid_system_topic.storage.name
}

output "event_subscription_id" {
  description = "Id of the Event Grid subscription; null until create_event_subscription is true."
  value       = var.create_event_subscription ? azurerm_eventgrid_system_topic_event_subscription.blob_events[0].id : null
}

output "app_setting_names" {
  description = "Names of the app settings the module sets (the caller's plus the required ones)."
  value       = sort(keys(merge(var.environment, local.required_environment)))
}
