# The Function App's identity: reads blobs of this storage account (the app package it runs from). The role is
# scoped to the account, never to the resource group or subscription.
resource "azurerm_user_assigned_identity" "app" {
  name                = "${var.name_prefix}-functions"
  resource_group_name = local.resource_group_name
  location            = var.location
  tags                = var.tags
}

resource "azurerm_role_assignment" "app_blob_reader" {
  scope                = azurerm_storage_account.this.id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
  principal_type       = "ServicePrincipal"
  description          = "ABI Function App: fetch its run-from-package blob."
}
