variable "project_id" {
  description = "The Google Cloud project that runs the GPU service."
  type        = string
}

variable "region" {
  description = "Region of the service. It must offer Cloud Run GPUs of gpu_type (for nvidia-l4: e.g. us-central1, europe-west1, europe-west4, asia-southeast1)."
  type        = string
  default     = "us-central1"
}

variable "name_prefix" {
  description = "Prefix of the resource names (service, service account, repository)."
  type        = string
  default     = "abi"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}$", var.name_prefix))
    error_message = "name_prefix must be 2 to 15 characters: a lower case letter, then lower case letters, digits or hyphens."
  }
}

variable "labels" {
  description = "Labels added to the service and the repository."
  type        = map(string)
  default     = {}
}

variable "create_project_services" {
  description = "Enable the Cloud Run and Artifact Registry APIs. Disabling them on destroy is never done."
  type        = bool
  default     = true
}

variable "create_repository" {
  description = "Create a Docker repository in Artifact Registry to push the gpu-container image to (repository_url output)."
  type        = bool
  default     = true
}

variable "create_service" {
  description = "Create the Cloud Run service. Set false on the very first apply, to create the repository, push the image, then apply with true."
  type        = bool
  default     = true
}

variable "image" {
  description = "The gpu-container image (built from gpu-container/src/main/docker/Dockerfile.jvm), e.g. REGION-docker.pkg.dev/PROJECT/abi/gpu-container:0.1.0."
  type        = string
}

variable "gpu_type" {
  description = "Cloud Run GPU type (node selector accelerator)."
  type        = string
  default     = "nvidia-l4"
}

variable "gpu_count" {
  description = "GPUs per instance (Cloud Run allows 1)."
  type        = number
  default     = 1
}

variable "cpu" {
  description = "vCPUs per instance (Cloud Run GPUs need at least 4)."
  type        = string
  default     = "4"
}

variable "memory" {
  description = "Memory per instance (Cloud Run GPUs need at least 16Gi)."
  type        = string
  default     = "16Gi"
}

variable "min_instance_count" {
  description = "Instances kept running (0 scales to zero: a cold start loads the vectors again)."
  type        = number
  default     = 0
}

variable "max_instance_count" {
  description = "Upper bound of instances (each holds a GPU: keep within the project's GPU quota)."
  type        = number
  default     = 1
}

variable "gpu_zonal_redundancy_disabled" {
  description = "Run without zonal redundancy for GPU failover (lower price and quota; an instance can be lost in a zonal outage)."
  type        = bool
  default     = true
}

variable "container_port" {
  description = "Port the service listens on (quarkus.http.port of gpu-container)."
  type        = number
  default     = 8090
}

variable "state_bucket_name" {
  description = "The functions' state bucket. When set, it is mounted read only at /mnt/abi-state (a Cloud Storage volume), ABI_DATA_DIR points there so the service reads the namespaces, and its service account gets roles/storage.objectViewer on that bucket only."
  type        = string
  default     = null
}

variable "invoker_members" {
  description = "IAM members allowed to call the service (roles/run.invoker), e.g. serviceAccount:abi-runtime@PROJECT.iam.gserviceaccount.com."
  type        = list(string)
  default     = []
}

variable "allow_unauthenticated" {
  description = "Let anyone call the service's URL (roles/run.invoker for allUsers). Off by default: callers in invoker_members send an identity token."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Refuse terraform destroy of the service (Cloud Run's deletion protection). The service holds no state."
  type        = bool
  default     = false
}

variable "environment" {
  description = "Extra environment of the container (e.g. ABI_GPU_PRECISION, ABI_GPU_EMBEDDING_MODEL). The module's required settings (JAVA_TOOL_OPTIONS, and ABI_DATA_DIR when state_bucket_name is set) are merged last and win."
  type        = map(string)
  default     = {}
}
