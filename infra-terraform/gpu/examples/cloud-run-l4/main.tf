# The GPU service on Cloud Run (NVIDIA L4), and the Google Cloud functions pointed at it.
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
  description = "A region with Cloud Run L4 GPUs."
  type        = string
  default     = "europe-west1"
}

variable "image_tag" {
  description = "Tag of the gpu-container image pushed to the repository."
  type        = string
  default     = "0.1.0"
}

variable "create_gpu_service" {
  description = "False on the first apply (repository only, push the image), then true."
  type        = bool
  default     = true
}

provider "google" {
  project = var.project_id
  region  = var.region
}

module "gpu" {
  source = "../.."

  project_id        = var.project_id
  region            = var.region
  create_service    = var.create_gpu_service
  image             = "${var.region}-docker.pkg.dev/${var.project_id}/abi-images/gpu-container:${var.image_tag}"
  state_bucket_name = module.abi.state_bucket_name
  invoker_members   = ["serviceAccount:${module.abi.runtime_service_account_email}"]
}

module "abi" {
  source = "../../../gcp"

  project_id          = var.project_id
  region              = var.region
  function_source_zip = "${path.module}/../../../../adapters-gcp/target/function-source.zip"
  gpu_service_url     = module.gpu.service_url
}

output "gpu_service_url" {
  description = "The GPU service's URL (ABI_GPU_URL of the functions)."
  value       = module.gpu.service_url
}

output "repository_url" {
  description = "Push the gpu-container image here."
  value       = module.gpu.repository_url
}

output "api_url" {
  description = "The HTTP API's URL."
  value       = module.abi.api_url
}
