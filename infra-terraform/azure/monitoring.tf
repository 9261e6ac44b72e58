resource "azurerm_log_analytics_workspace" "this" {
  count = var.create_application_insights ? 1 : 0

  name                = "${var.name_prefix}-logs-${local.name_hash}"
  resource_group_name = local.resource_group_name
  location            = var.location
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = var.tags
}

resource "azurerm_application_insights" "this" {
  count = var.create_application_insights ? 1 : 0

  name                = "${var.name_prefix}-insights-${local.name_hash}"
  resource_group_name = local.resource_group_name
  location            = var.location
  application_type    = "java"
  workspace_id        = azurerm_log_analytics_workspace.this[0].id
  tags                = var.tags
}
