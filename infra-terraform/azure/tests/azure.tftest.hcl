# Plan-only runs against a mocked azurerm provider: the wiring the Java code relies on.
# Run on a networked machine: terraform init && terraform test (from infra-terraform/azure).

mock_provider "azurerm" {}

variables {
  location        = "westeurope"
  app_package_zip = "tests/fixtures/app-package.zip"
}

run "defaults_wire_the_app_storage_and_identity" {
  command = plan

  assert {
    condition     = azurerm_linux_function_app.this.site_config[0].application_stack[0].java_version == "21"
    error_message = "The Function App runs Java 21."
  }

  assert {
    condition     = azurerm_service_plan.this.os_type == "Linux"
    error_message = "The Function App is a Linux app."
  }

  assert {
    condition     = azurerm_linux_function_app.this.app_settings["JAVA_TOOL_OPTIONS"] == "--add-modules=jdk.incubator.vector"
    error_message = "The Function App carries the Vector API flag."
  }

  assert {
    condition     = azurerm_linux_function_app.this.app_settings["ABI_STORE_KIND"] == "azure-blob" && azurerm_linux_function_app.this.app_settings["ABI_STORE_BUCKET"] == "abi-state"
    error_message = "State goes to the abi-state container (ABI_STORE_KIND=azure-blob, ABI_STORE_BUCKET)."
  }

  assert {
    condition     = azurerm_linux_function_app.this.app_settings["ABI_INGEST_CONTAINER"] == "abi-ingest"
    error_message = "The blob trigger watches the source container."
  }

  assert {
    condition     = !contains(keys(azurerm_linux_function_app.this.app_settings), "ABI_GPU_URL")
    error_message = "GPU routing is off by default."
  }

  assert {
    condition     = !contains(keys(azurerm_linux_function_app.this.app_settings), "AzureWebJobs.blobIndexer.Disabled")
    error_message = "The blob trigger indexes until Event Grid takes over."
  }

  assert {
    condition     = contains(keys(azurerm_linux_function_app.this.app_settings), "WEBSITE_RUN_FROM_PACKAGE")
    error_message = "The app runs from the uploaded package."
  }

  assert {
    condition     = azurerm_linux_function_app.this.identity[0].type == "UserAssigned"
    error_message = "The app has the user-assigned identity."
  }

  assert {
    condition     = azurerm_storage_account.this.blob_properties[0].versioning_enabled
    error_message = "Blob versioning is on."
  }

  assert {
    condition     = !azurerm_storage_account.this.allow_nested_items_to_be_public && azurerm_storage_account.this.min_tls_version == "TLS1_2"
    error_message = "No public blobs; TLS 1.2 at least."
  }

  assert {
    condition     = azurerm_storage_management_policy.this.rule[0].actions[0].version[0].delete_after_days_since_creation > 7
    error_message = "Previous versions outlive the GC retention of 7 days."
  }

  assert {
    condition     = azurerm_role_assignment.app_blob_reader.role_definition_name == "Storage Blob Data Reader"
    error_message = "The app's identity reads blobs, nothing more."
  }

  assert {
    condition     = azurerm_role_assignment.topic_dead_letter.role_definition_name == "Storage Blob Data Contributor"
    error_message = "The system topic's identity writes dead letters."
  }

  assert {
    condition     = azurerm_eventgrid_system_topic.storage.topic_type == "Microsoft.Storage.StorageAccounts"
    error_message = "The system topic is the storage account's."
  }

  assert {
    condition     = length(azurerm_eventgrid_system_topic_event_subscription.blob_events) == 0
    error_message = "The subscription is off until the code is deployed."
  }
}

run "event_subscription_once_the_code_is_deployed" {
  command = plan

  variables {
    create_event_subscription = true
  }

  assert {
    condition     = azurerm_eventgrid_system_topic_event_subscription.blob_events[0].event_delivery_schema == "CloudEventSchemaV1_0"
    error_message = "Events arrive in the CloudEvents 1.0 schema the blobEvents function parses."
  }

  assert {
    condition     = toset(azurerm_eventgrid_system_topic_event_subscription.blob_events[0].included_event_types) == toset(["Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobDeleted"])
    error_message = "BlobCreated and BlobDeleted, nothing else."
  }

  assert {
    condition     = azurerm_eventgrid_system_topic_event_subscription.blob_events[0].subject_filter[0].subject_begins_with == "/blobServices/default/containers/abi-ingest/blobs/"
    error_message = "Only the source container's blobs are indexed (never the state container's)."
  }

  assert {
    condition     = azurerm_eventgrid_system_topic_event_subscription.blob_events[0].retry_policy[0].max_delivery_attempts == 30 && azurerm_eventgrid_system_topic_event_subscription.blob_events[0].retry_policy[0].event_time_to_live == 1440
    error_message = "Event Grid retries for up to a day."
  }

  assert {
    condition     = azurerm_eventgrid_system_topic_event_subscription.blob_events[0].storage_blob_dead_letter_destination[0].storage_blob_container_name == "abi-deadletter"
    error_message = "Undeliverable events go to the dead-letter container."
  }

  assert {
    condition     = azurerm_eventgrid_system_topic_event_subscription.blob_events[0].dead_letter_identity[0].type == "SystemAssigned"
    error_message = "Dead letters are written with the topic's identity."
  }

  assert {
    condition     = azurerm_eventgrid_system_topic_event_subscription.blob_events[0].azure_function_endpoint[0].max_events_per_batch == 1
    error_message = "One event per delivery: the function takes one event."
  }

  assert {
    condition     = azurerm_linux_function_app.this.app_settings["AzureWebJobs.blobIndexer.Disabled"] == "true"
    error_message = "The blob trigger stops once Event Grid delivers, so each blob is indexed once."
  }
}

run "required_settings_win_over_the_callers" {
  command = plan

  variables {
    gpu_service_url = "https://abi-gpu.example.net"
    environment = {
      JAVA_TOOL_OPTIONS    = "-Xmx1g"
      ABI_STORE_KIND       = "local"
      ABI_STORE_BUCKET     = "elsewhere"
      ABI_INDEXING_MAPPING = "abi-ingest=docs"
    }
  }

  assert {
    condition     = azurerm_linux_function_app.this.app_settings["JAVA_TOOL_OPTIONS"] == "--add-modules=jdk.incubator.vector"
    error_message = "A caller can't drop the Vector API flag."
  }

  assert {
    condition     = azurerm_linux_function_app.this.app_settings["ABI_STORE_KIND"] == "azure-blob" && azurerm_linux_function_app.this.app_settings["ABI_STORE_BUCKET"] == "abi-state"
    error_message = "A caller can't move the state."
  }

  assert {
    condition     = azurerm_linux_function_app.this.app_settings["ABI_INDEXING_MAPPING"] == "abi-ingest=docs"
    error_message = "The caller's other settings pass through."
  }

  assert {
    condition     = azurerm_linux_function_app.this.app_settings["ABI_GPU_URL"] == "https://abi-gpu.example.net"
    error_message = "gpu_service_url reaches the app as ABI_GPU_URL."
  }
}

run "existing_resource_group_and_names" {
  command = plan

  variables {
    create_resource_group       = false
    resource_group_name         = "my-rg"
    storage_account_name        = "mystorage123"
    function_app_name           = "my-abi"
    create_application_insights = false
  }

  assert {
    condition     = length(azurerm_resource_group.this) == 0 && azurerm_storage_account.this.resource_group_name == "my-rg"
    error_message = "An existing resource group is used as is."
  }

  assert {
    condition     = azurerm_storage_account.this.name == "mystorage123" && azurerm_linux_function_app.this.name == "my-abi"
    error_message = "Given names are used."
  }

  assert {
    condition     = length(azurerm_application_insights.this) == 0
    error_message = "Application Insights can be left out."
  }
}
