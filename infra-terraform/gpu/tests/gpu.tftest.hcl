# Plan-only runs against a mocked google provider: the GPU service's wiring.
# Run on a networked machine: terraform init && terraform test (from infra-terraform/gpu).

mock_provider "google" {}

variables {
  project_id = "abi-test"
  region     = "europe-west1"
  image      = "europe-west1-docker.pkg.dev/abi-test/abi-images/gpu-container:0.1.0"
}

run "defaults_run_the_image_on_an_l4" {
  command = plan

  assert {
    condition     = google_cloud_run_v2_service.gpu[0].template[0].node_selector[0].accelerator == "nvidia-l4"
    error_message = "The service asks for an NVIDIA L4."
  }

  assert {
    condition     = google_cloud_run_v2_service.gpu[0].template[0].containers[0].resources[0].limits["nvidia.com/gpu"] == "1"
    error_message = "One GPU per instance."
  }

  assert {
    condition     = google_cloud_run_v2_service.gpu[0].template[0].containers[0].resources[0].cpu_idle == false
    error_message = "CPU stays allocated, as Cloud Run requires for GPUs."
  }

  assert {
    condition     = google_cloud_run_v2_service.gpu[0].template[0].containers[0].image == "europe-west1-docker.pkg.dev/abi-test/abi-images/gpu-container:0.1.0"
    error_message = "The given gpu-container image runs."
  }

  assert {
    condition     = google_cloud_run_v2_service.gpu[0].template[0].containers[0].ports[0].container_port == 8090
    error_message = "The container listens on gpu-container's port 8090."
  }

  assert {
    condition     = anytrue([for e in google_cloud_run_v2_service.gpu[0].template[0].containers[0].env : e.name == "JAVA_TOOL_OPTIONS" && e.value == "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"])
    error_message = "The GPU service carries the image's flags: the Vector API (its CPU kernels) and native access (JCuda)."
  }

  assert {
    condition     = !anytrue([for e in google_cloud_run_v2_service.gpu[0].template[0].containers[0].env : e.name == "ABI_DATA_DIR"])
    error_message = "No data folder without a state bucket."
  }

  assert {
    condition     = length(google_cloud_run_v2_service.gpu[0].template[0].volumes) == 0 && length(google_cloud_run_v2_service.gpu[0].template[0].containers[0].volume_mounts) == 0
    error_message = "No volume without a state bucket."
  }

  assert {
    condition     = length(google_cloud_run_v2_service_iam_member.public) == 0 && length(google_cloud_run_v2_service_iam_member.invokers) == 0
    error_message = "Nobody may call the service unless named."
  }

  assert {
    condition     = google_artifact_registry_repository.images[0].format == "DOCKER"
    error_message = "A Docker repository holds the image."
  }

  assert {
    condition     = output.repository_url == "europe-west1-docker.pkg.dev/abi-test/abi-images"
    error_message = "The repository URL is where the image is pushed."
  }
}

run "state_bucket_and_invokers" {
  command = plan

  variables {
    state_bucket_name = "abi-test-abi-state"
    invoker_members   = ["serviceAccount:abi-runtime@abi-test.iam.gserviceaccount.com"]
    environment = {
      JAVA_TOOL_OPTIONS = "-Xmx2g"
    }
  }

  assert {
    condition     = google_cloud_run_v2_service.gpu[0].template[0].execution_environment == "EXECUTION_ENVIRONMENT_GEN2"
    error_message = "The second-generation environment, where Cloud Storage volumes mount."
  }

  assert {
    condition     = google_cloud_run_v2_service.gpu[0].template[0].volumes[0].gcs[0].bucket == "abi-test-abi-state" && google_cloud_run_v2_service.gpu[0].template[0].volumes[0].gcs[0].read_only == true
    error_message = "The functions' state bucket is mounted, read only."
  }

  assert {
    condition     = google_cloud_run_v2_service.gpu[0].template[0].containers[0].volume_mounts[0].name == google_cloud_run_v2_service.gpu[0].template[0].volumes[0].name && google_cloud_run_v2_service.gpu[0].template[0].containers[0].volume_mounts[0].mount_path == "/mnt/abi-state"
    error_message = "The container sees the bucket at /mnt/abi-state."
  }

  assert {
    condition     = anytrue([for e in google_cloud_run_v2_service.gpu[0].template[0].containers[0].env : e.name == "ABI_DATA_DIR" && e.value == "/mnt/abi-state"])
    error_message = "The service reads namespaces from the mounted bucket (abi.data-dir)."
  }

  assert {
    condition     = !anytrue([for e in google_cloud_run_v2_service.gpu[0].template[0].containers[0].env : e.name == "ABI_STORE_KIND" || e.name == "ABI_STORE_BUCKET"])
    error_message = "No store settings gpu-container does not read."
  }

  assert {
    condition     = anytrue([for e in google_cloud_run_v2_service.gpu[0].template[0].containers[0].env : e.name == "JAVA_TOOL_OPTIONS" && e.value == "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"])
    error_message = "A caller can't drop the Vector API flag."
  }

  assert {
    condition     = google_storage_bucket_iam_member.gpu_state[0].bucket == "abi-test-abi-state" && google_storage_bucket_iam_member.gpu_state[0].role == "roles/storage.objectViewer"
    error_message = "The service account reads the state bucket, and only that bucket."
  }

  assert {
    condition     = google_cloud_run_v2_service_iam_member.invokers["0"].member == "serviceAccount:abi-runtime@abi-test.iam.gserviceaccount.com" && google_cloud_run_v2_service_iam_member.invokers["0"].role == "roles/run.invoker"
    error_message = "The functions' runtime account may call the service."
  }
}

run "repository_first" {
  command = plan

  variables {
    create_service = false
  }

  assert {
    condition     = length(google_cloud_run_v2_service.gpu) == 0 && length(google_artifact_registry_repository.images) == 1
    error_message = "The first apply can create the repository alone, before the image exists."
  }

  assert {
    condition     = output.service_url == null
    error_message = "No URL without a service."
  }
}
