locals {
  resource_group_name = var.create_resource_group ? azurerm_resource_group.this[0].name : var.resource_group_name
  base_name           = coalesce(var.resource_group_name, "${var.name_prefix}-rg")
  name_hash           = substr(sha1("${var.location}/${local.base_name}/${var.name_prefix}"), 0, 10)

  storage_account_name = coalesce(var.storage_account_name, "${replace(var.name_prefix, "-", "")}${local.name_hash}")
  function_app_name    = coalesce(var.function_app_name, "${var.name_prefix}-api-${local.name_hash}")

  # Functions generated from the adapters-azure annotations (target/azure-functions/abi-serverless/*/function.json).
  # blobEvents is named in events.tf (the subscription endpoint); blobIndexer is switched off here once Event Grid runs.
  blob_function_name = "blobIndexer"

  # Run from the uploaded package, fetched with the user-assigned identity.
  package_settings = {
    WEBSITE_RUN_FROM_PACKAGE                     = azurerm_storage_blob.package.url
    WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID = azurerm_user_assigned_identity.app.id
  }
  blob_trigger_settings = var.create_event_subscription && !var.keep_blob_trigger ? { "AzureWebJobs.${local.blob_function_name}.Disabled" = "true" } : {}
  gpu_settings          = var.gpu_service_url == null ? {} : { ABI_GPU_URL = var.gpu_service_url }

  # The Java code's contract (adapters-azure: application.properties, local.settings.json, BlobStoreFactory). The
  # storage connection comes from AzureWebJobsStorage, which the provider sets from the account's access key.
  required_environment = merge(local.package_settings, local.blob_trigger_settings, local.gpu_settings, {
    JAVA_TOOL_OPTIONS    = "--add-modules=jdk.incubator.vector"
    ABI_STORE_KIND       = "azure-blob"
    ABI_STORE_BUCKET     = azurerm_storage_container.state.name
    ABI_INGEST_CONTAINER = azurerm_storage_container.source.name
  })

  source_subject_prefix = "/blobServices/default/containers/${var.source_container_name}/blobs/"
}
