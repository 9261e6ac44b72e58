# The whole Azure deployment: Function App (HTTP API, Event Grid and blob triggers), storage, identity, Event Grid.
terraform {
  required_version = ">= 1.7"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.73"
    }
  }
}

variable "location" {
  description = "Azure region."
  type        = string
  default     = "westeurope"
}

variable "create_event_subscription" {
  description = "Create the Event Grid subscription: false on the first apply, true once the code is deployed."
  type        = bool
  default     = false
}

variable "bootstrap_key" {
  description = "First-setup admin API key (ABI_AUTH_BOOTSTRAP_KEY, at least 32 characters); set it for the first apply, create real keys, then apply again without it."
  type        = string
  default     = null
  sensitive   = true
}

variable "environment" {
  description = "Extra app settings, e.g. the embedding model's ABI_MODELS_<NAME>_KEY and _SHA256."
  type        = map(string)
  default     = {}
}

provider "azurerm" {
  features {}
}

module "abi" {
  source = "../.."

  location                  = var.location
  app_package_zip           = "${path.module}/../../../../adapters-azure/target/app-package.zip"
  create_event_subscription = var.create_event_subscription
  environment               = merge(var.environment, var.bootstrap_key == null ? {} : { ABI_AUTH_BOOTSTRAP_KEY = var.bootstrap_key })
}

output "api_url" {
  description = "The HTTP API's base URL."
  value       = module.abi.api_url
}

output "storage_account_name" {
  description = "The storage account."
  value       = module.abi.storage_account_name
}

output "source_container_name" {
  description = "Upload blobs here to index them."
  value       = module.abi.source_container_name
}

output "state_container_name" {
  description = "The state container."
  value       = module.abi.state_container_name
}
