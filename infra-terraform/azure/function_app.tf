resource "azurerm_service_plan" "this" {
  name                = "${var.name_prefix}-plan"
  resource_group_name = local.resource_group_name
  location            = var.location
  os_type             = "Linux"
  sku_name            = var.service_plan_sku
  tags                = var.tags
}

# The Function App: api (HTTP), blobEvents (Event Grid) and blobIndexer (blob trigger), from the package blob.
resource "azurerm_linux_function_app" "this" {
  name                        = local.function_app_name
  resource_group_name         = local.resource_group_name
  location                    = var.location
  service_plan_id             = azurerm_service_plan.this.id
  storage_account_name        = azurerm_storage_account.this.name
  storage_account_access_key  = azurerm_storage_account.this.primary_access_key
  functions_extension_version = "~4"
  https_only                  = true
  app_settings                = merge(var.environment, local.required_environment)
  tags                        = var.tags

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.app.id]
  }

  site_config {
    ftps_state                             = "Disabled"
    minimum_tls_version                    = "1.2"
    http2_enabled                          = true
    application_insights_connection_string = var.create_application_insights ? azurerm_application_insights.this[0].connection_string : null

    application_stack {
      java_version = "21"
    }
  }

  depends_on = [azurerm_role_assignment.app_blob_reader]
}
