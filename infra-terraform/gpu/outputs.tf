output "service_url" {
  description = "HTTPS URL of the GPU service: pass it as gpu_service_url to the aws, gcp or azure module (ABI_GPU_URL). Null when create_service is false."
  value       = var.create_service ? google_cloud_run_v2_service.gpu[0].uri : null
}

output "service_name" {
  description = "Name of the Cloud Run service; null when create_service is false."
  value       = var.create_service ? google_cloud_run_v2_service.gpu[0].name : null
}

output "service_account_email" {
  description = "Email of the service's runtime service account."
  value       = google_service_account.gpu.email
}

output "repository_url" {
  description = "Docker repository to push the gpu-container image to (REGION-docker.pkg.dev/PROJECT/REPOSITORY); null when create_repository is false."
  value       = var.create_repository ? local.repository_url : null
}

output "environment_keys" {
  description = "Names of the environment variables the container gets (the caller's plus the required ones)."
  value       = sort(keys(merge(var.environment, local.required_environment)))
}
