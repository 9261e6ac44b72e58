# The whole deployment: HTTP API, state bucket, table, and a new source bucket whose files are indexed.
#   ./mvnw -pl adapters-aws -am package      (from the repository root: builds adapters-aws/target/function.zip)
#   terraform init && terraform apply -var state_bucket_name=... -var source_bucket_name=...

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

variable "source_bucket_name" {
  description = "Globally unique name of the new bucket whose files are indexed."
  type        = string
}

provider "aws" {
  region = var.region
}

module "abi" {
  source = "../.."

  name               = "abi"
  package_path       = "${path.module}/../../../../adapters-aws/target/function.zip"
  state_bucket_name  = var.state_bucket_name
  source_bucket_name = var.source_bucket_name

  tags = {
    app = "abi-serverless"
  }
}

output "http_api_url" {
  description = "Base URL of the vector API."
  value       = module.abi.http_api_url
}

output "source_bucket" {
  description = "Drop files here to index them (docs/a.md goes to namespace docs)."
  value       = module.abi.source_bucket
}
