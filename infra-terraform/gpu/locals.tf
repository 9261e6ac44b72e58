locals {
  # Where the state bucket appears in the container: a Cloud Storage volume, read only. GpuService opens abi.data-dir
  # (ABI_DATA_DIR) as a LocalDiskObjectStore, which keeps key K in the file <data dir>/K; the functions'
  # GcsObjectStore keeps key K in the object K of the bucket (no prefix), and the mount shows that object as the file
  # <mount>/K. So the bucket's root mounted here is the folder the service expects.
  state_mount_path  = "/mnt/abi-state"
  state_volume_name = "abi-state"
  store_environment = var.state_bucket_name == null ? {} : {
    ABI_DATA_DIR = local.state_mount_path
  }
  # The image's JAVA_TOOL_OPTIONS (Dockerfile.jvm), repeated: a service-level variable replaces the image's ENV. The
  # Vector API flag for core's CPU kernels, native access for JCuda's JNI binding.
  required_environment = merge(local.store_environment, {
    JAVA_TOOL_OPTIONS = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
  })

  repository_id  = "${var.name_prefix}-images"
  repository_url = "${var.region}-docker.pkg.dev/${var.project_id}/${local.repository_id}"

  project_services = toset([
    "artifactregistry.googleapis.com",
    "run.googleapis.com",
  ])
}
