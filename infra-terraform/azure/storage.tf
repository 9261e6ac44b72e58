# One account: the Functions host's storage (AzureWebJobsStorage), the state, the source blobs, dead letters and the
# app package. Versioned; previous versions expire after noncurrent_version_retention_days.
resource "azurerm_storage_account" "this" {
  name                            = local.storage_account_name
  resource_group_name             = local.resource_group_name
  location                        = var.location
  account_kind                    = "StorageV2"
  account_tier                    = "Standard"
  account_replication_type        = var.storage_replication_type
  min_tls_version                 = "TLS1_2"
  https_traffic_only_enabled      = true
  allow_nested_items_to_be_public = false
  # The Java code and the Functions host connect with a connection string (BlobStoreFactory, AzureWebJobsStorage).
  shared_access_key_enabled = true
  tags                      = var.tags

  blob_properties {
    versioning_enabled = true

    delete_retention_policy {
      days = 7
    }

    container_delete_retention_policy {
      days = 7
    }
  }
}

resource "azurerm_storage_management_policy" "this" {
  storage_account_id = azurerm_storage_account.this.id

  rule {
    name    = "expire-previous-versions"
    enabled = true

    filters {
      blob_types = ["blockBlob"]
    }

    actions {
      version {
        delete_after_days_since_creation = var.noncurrent_version_retention_days
      }
    }
  }
}

resource "azurerm_storage_container" "state" {
  name                  = var.state_container_name
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "source" {
  name                  = var.source_container_name
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "dead_letter" {
  name                  = var.dead_letter_container_name
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "packages" {
  name                  = var.package_container_name
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

# The app package, one blob per content hash: a new build is a new blob and a new WEBSITE_RUN_FROM_PACKAGE.
resource "azurerm_storage_blob" "package" {
  name                   = "abi-serverless-${filemd5(var.app_package_zip)}.zip"
  storage_account_name   = azurerm_storage_account.this.name
  storage_container_name = azurerm_storage_container.packages.name
  type                   = "Block"
  source                 = var.app_package_zip
  content_type           = "application/zip"
}
