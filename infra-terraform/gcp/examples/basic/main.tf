# The whole Google Cloud deployment: HTTP API, state and source buckets, indexer for every object event.
terraform {
  required_version = ">= 1.7"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.50"
    }
  }
}

variable "project_id" {
  description = "The Google Cloud project to deploy into."
  type        = string
}

variable "region" {
  description = "Region of the functions and buckets."
  type        = string
  default     = "us-central1"
}

variable "bootstrap_key" {
  description = "First-setup admin API key (ABI_AUTH_BOOTSTRAP_KEY, at least 32 characters); set it for the first apply, create real keys, then apply again without it."
  type        = string
  default     = null
  sensitive   = true
}

variable "environment" {
  description = "Extra environment of the functions, e.g. the embedding model's ABI_MODELS_<NAME>_KEY and _SHA256."
  type        = map(string)
  default     = {}
}

provider "google" {
  project = var.project_id
  region  = var.region
}

module "abi" {
  source = "../.."

  project_id          = var.project_id
  region              = var.region
  function_source_zip = "${path.module}/../../../../adapters-gcp/target/function-source.zip"
  environment         = merge(var.environment, var.bootstrap_key == null ? {} : { ABI_AUTH_BOOTSTRAP_KEY = var.bootstrap_key })
}

output "api_url" {
  description = "The HTTP API's URL."
  value       = module.abi.api_url
}

output "state_bucket_name" {
  description = "The state bucket."
  value       = module.abi.state_bucket_name
}

output "source_bucket_name" {
  description = "Drop files here to index them."
  value       = module.abi.source_bucket_name
}
