# Blob events of the storage account, delivered in the CloudEvents 1.0 schema to the blobEvents function.
resource "azurerm_eventgrid_system_topic" "storage" {
  name                = "${var.name_prefix}-storage-events"
  resource_group_name = local.resource_group_name
  location            = var.location
  source_resource_id  = azurerm_storage_account.this.id
  topic_type          = "Microsoft.Storage.StorageAccounts"
  tags                = var.tags

  identity {
    type = "SystemAssigned"
  }
}

# The topic's identity writes undeliverable events to the dead-letter container, and nowhere else.
resource "azurerm_role_assignment" "topic_dead_letter" {
  scope                = "${azurerm_storage_account.this.id}/blobServices/default/containers/${azurerm_storage_container.dead_letter.name}"
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_eventgrid_system_topic.storage.identity[0].principal_id
  principal_type       = "ServicePrincipal"
  description          = "ABI Event Grid system topic: write dead-lettered events."
}

# Off by default: Azure validates the function endpoint when the subscription is created, so it fails until the
# app's code (with its blobEvents function) is deployed. Apply once, then again with create_event_subscription.
resource "azurerm_eventgrid_system_topic_event_subscription" "blob_events" {
  count = var.create_event_subscription ? 1 : 0

  name                  = "${var.name_prefix}-blob-events"
  resource_group_name   = local.resource_group_name
  system_topic          = azurerm_eventgrid_system_topic.storage.name
  event_delivery_schema = "CloudEventSchemaV1_0"
  included_event_types  = ["Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobDeleted"]

  azure_function_endpoint {
    function_id                       = "${azurerm_linux_function_app.this.id}/functions/blobEvents"
    max_events_per_batch              = 1
    preferred_batch_size_in_kilobytes = 64
  }

  subject_filter {
    subject_begins_with = local.source_subject_prefix
  }

  retry_policy {
    max_delivery_attempts = var.event_max_delivery_attempts
    event_time_to_live    = var.event_time_to_live_minutes
  }

  storage_blob_dead_letter_destination {
    storage_account_id          = azurerm_storage_account.this.id
    storage_blob_container_name = azurerm_storage_container.dead_letter.name
  }

  dead_letter_identity {
    type = "SystemAssigned"
  }

  depends_on = [azurerm_role_assignment.topic_dead_letter]
}
