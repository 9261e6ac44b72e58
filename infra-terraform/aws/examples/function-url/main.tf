# The smallest deployment: the API function on a Function URL, no HTTP API and no event-triggered indexing
# (documents are written through the API only).

terraform {
  required_version = ">= 1.7"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.66"
    }
  }
}

variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "eu-west-1"
}

variable "state_bucket_name" {
  description = "Globally unique name of the new state bucket."
  type        = string
}

provider "aws" {
  region = var.region
}

module "abi" {
  source = "../.."

  name                = "abi-url"
  package_path        = "${path.module}/../../../../adapters-aws/target/function.zip"
  state_bucket_name   = var.state_bucket_name
  create_http_api     = false
  create_function_url = true
  create_indexer      = false

  environment = {
    ABI_AUTH_ENABLED = "true"
  }
}

output "function_url" {
  description = "Base URL of the vector API."
  value       = module.abi.function_url
}
