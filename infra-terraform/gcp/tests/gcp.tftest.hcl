# Plan-only runs against a mocked google provider: the wiring the Java code relies on.
# Run on a networked machine: terraform init && terraform test (from infra-terraform/gcp).

mock_provider "google" {
  mock_data "google_storage_bucket" {
    defaults = {
      location = "EU"
    }
  }
}

variables {
  project_id          = "abi-test"
  region              = "europe-west1"
  function_source_zip = "tests/fixtures/function-source.zip"
}

run "defaults_wire_functions_buckets_and_identities" {
  command = plan

  assert {
    condition     = google_cloudfunctions2_function.api[0].build_config[0].runtime == "java21"
    error_message = "The HTTP function runs on the java21 runtime."
  }

  assert {
    condition     = google_cloudfunctions2_function.api[0].build_config[0].entry_point == "io.quarkus.gcp.functions.http.QuarkusHttpFunction"
    error_message = "The HTTP function's entry point is Quarkus's GCF HTTP bridge."
  }

  assert {
    condition     = length(google_cloudfunctions2_function.events) == 3
    error_message = "One storage-event function per event type: finalized, deleted, archived."
  }

  assert {
    condition = alltrue([
      google_cloudfunctions2_function.events["finalized"].event_trigger[0].event_type == "google.cloud.storage.object.v1.finalized",
      google_cloudfunctions2_function.events["deleted"].event_trigger[0].event_type == "google.cloud.storage.object.v1.deleted",
      google_cloudfunctions2_function.events["archived"].event_trigger[0].event_type == "google.cloud.storage.object.v1.archived",
    ])
    error_message = "Each storage-event function listens to its own Cloud Storage event type."
  }

  assert {
    condition     = alltrue([for f in google_cloudfunctions2_function.events : f.build_config[0].entry_point == "dev.abi.gcp.GcpStorageEventsEntry"])
    error_message = "The storage-event functions use the CloudEvents entry point."
  }

  assert {
    condition     = alltrue([for f in google_cloudfunctions2_function.events : f.event_trigger[0].retry_policy == "RETRY_POLICY_RETRY"])
    error_message = "Storage events are retried on a transient failure."
  }

  assert {
    condition     = alltrue([for f in google_cloudfunctions2_function.events : anytrue([for ef in f.event_trigger[0].event_filters : ef.attribute == "bucket" && ef.value == "abi-test-abi-source"])])
    error_message = "The triggers filter on the source bucket."
  }

  assert {
    condition     = alltrue([for f in google_cloudfunctions2_function.events : f.event_trigger[0].trigger_region == "europe-west1"])
    error_message = "The triggers live in the source bucket's region."
  }

  assert {
    condition     = google_cloudfunctions2_function.api[0].service_config[0].environment_variables["JAVA_TOOL_OPTIONS"] == "--add-modules=jdk.incubator.vector"
    error_message = "The HTTP function carries the Vector API flag."
  }

  assert {
    condition     = alltrue([for f in google_cloudfunctions2_function.events : f.service_config[0].environment_variables["JAVA_TOOL_OPTIONS"] == "--add-modules=jdk.incubator.vector"])
    error_message = "Every storage-event function carries the Vector API flag."
  }

  assert {
    condition     = google_cloudfunctions2_function.api[0].service_config[0].environment_variables["ABI_STORE_KIND"] == "gcs" && google_cloudfunctions2_function.api[0].service_config[0].environment_variables["ABI_STORE_BUCKET"] == "abi-test-abi-state"
    error_message = "The HTTP function stores state in the state bucket (ABI_STORE_KIND=gcs, ABI_STORE_BUCKET)."
  }

  assert {
    condition     = alltrue([for f in google_cloudfunctions2_function.events : f.service_config[0].environment_variables["ABI_STORE_BUCKET"] == "abi-test-abi-state"])
    error_message = "The indexer writes to the same state bucket."
  }

  assert {
    condition     = !contains(keys(google_cloudfunctions2_function.api[0].service_config[0].environment_variables), "ABI_GPU_URL")
    error_message = "GPU routing is off by default."
  }

  assert {
    condition     = google_storage_bucket.state[0].versioning[0].enabled && google_storage_bucket.state[0].uniform_bucket_level_access
    error_message = "The state bucket is versioned with uniform access."
  }

  assert {
    condition     = google_storage_bucket.source[0].versioning[0].enabled && google_storage_bucket.source[0].uniform_bucket_level_access
    error_message = "The source bucket is versioned with uniform access."
  }

  assert {
    condition     = google_storage_bucket.state[0].public_access_prevention == "enforced"
    error_message = "The state bucket is never public."
  }

  assert {
    condition     = one(google_storage_bucket.state[0].lifecycle_rule[0].condition).days_since_noncurrent_time > 7
    error_message = "Noncurrent versions outlive the GC retention of 7 days."
  }

  assert {
    condition     = google_storage_bucket_iam_member.runtime_state.bucket == "abi-test-abi-state" && google_storage_bucket_iam_member.runtime_state.role == "roles/storage.objectAdmin"
    error_message = "The runtime account gets object roles on the state bucket only."
  }

  assert {
    condition     = google_storage_bucket_iam_member.runtime_source.bucket == "abi-test-abi-source" && google_storage_bucket_iam_member.runtime_source.role == "roles/storage.objectViewer"
    error_message = "The runtime account reads the source bucket."
  }

  assert {
    condition     = google_project_iam_member.gcs_pubsub_publisher[0].role == "roles/pubsub.publisher"
    error_message = "The Cloud Storage service agent publishes to Pub/Sub."
  }

  assert {
    condition     = google_project_iam_member.trigger_event_receiver[0].role == "roles/eventarc.eventReceiver"
    error_message = "The trigger account receives Eventarc events."
  }

  assert {
    condition     = length(google_cloud_run_v2_service_iam_member.trigger_invoker) == 3 && alltrue([for m in google_cloud_run_v2_service_iam_member.trigger_invoker : m.role == "roles/run.invoker"])
    error_message = "The trigger account may invoke each indexer service."
  }

  assert {
    condition     = google_cloud_run_v2_service_iam_member.api_public[0].member == "allUsers"
    error_message = "The HTTP function is reachable; the API checks its own credentials."
  }
}

run "required_environment_wins_over_the_callers" {
  command = plan

  variables {
    environment = {
      JAVA_TOOL_OPTIONS    = "-Xmx1g"
      ABI_STORE_KIND       = "local"
      ABI_STORE_BUCKET     = "elsewhere"
      ABI_INDEXING_MAPPING = "abi-test-abi-source/docs=docs"
    }
  }

  assert {
    condition     = google_cloudfunctions2_function.api[0].service_config[0].environment_variables["JAVA_TOOL_OPTIONS"] == "--add-modules=jdk.incubator.vector"
    error_message = "A caller can't drop the Vector API flag."
  }

  assert {
    condition     = google_cloudfunctions2_function.events["finalized"].service_config[0].environment_variables["ABI_STORE_KIND"] == "gcs"
    error_message = "A caller can't change the store kind."
  }

  assert {
    condition     = google_cloudfunctions2_function.events["deleted"].service_config[0].environment_variables["ABI_STORE_BUCKET"] == "abi-test-abi-state"
    error_message = "A caller can't move the state bucket through the environment."
  }

  assert {
    condition     = google_cloudfunctions2_function.api[0].service_config[0].environment_variables["ABI_INDEXING_MAPPING"] == "abi-test-abi-source/docs=docs"
    error_message = "The caller's other settings pass through."
  }
}

run "gpu_service_url_sets_abi_gpu_url" {
  command = plan

  variables {
    gpu_service_url = "https://abi-gpu-abc123-ew.a.run.app"
  }

  assert {
    condition     = google_cloudfunctions2_function.api[0].service_config[0].environment_variables["ABI_GPU_URL"] == "https://abi-gpu-abc123-ew.a.run.app"
    error_message = "gpu_service_url reaches the HTTP function as ABI_GPU_URL."
  }

  assert {
    condition     = alltrue([for f in google_cloudfunctions2_function.events : f.service_config[0].environment_variables["ABI_GPU_URL"] == "https://abi-gpu-abc123-ew.a.run.app"])
    error_message = "gpu_service_url reaches every storage-event function."
  }
}

run "existing_buckets_and_fewer_events" {
  command = plan

  variables {
    create_state_bucket  = false
    state_bucket_name    = "my-state"
    create_source_bucket = false
    source_bucket_name   = "my-docs"
    index_event_types    = ["finalized", "deleted"]
    event_retry          = false
  }

  assert {
    condition     = length(google_storage_bucket.state) == 0 && length(google_storage_bucket.source) == 0
    error_message = "No bucket is created when existing ones are named."
  }

  assert {
    condition     = google_cloudfunctions2_function.api[0].service_config[0].environment_variables["ABI_STORE_BUCKET"] == "my-state"
    error_message = "The existing state bucket is the store."
  }

  assert {
    condition     = google_storage_bucket_iam_member.runtime_state.bucket == "my-state" && google_storage_bucket_iam_member.runtime_source.bucket == "my-docs"
    error_message = "The runtime account's roles follow the existing buckets."
  }

  assert {
    condition     = length(google_cloudfunctions2_function.events) == 2 && !contains(keys(google_cloudfunctions2_function.events), "archived")
    error_message = "Only the listed event types get a function."
  }

  assert {
    condition     = alltrue([for f in google_cloudfunctions2_function.events : f.event_trigger[0].trigger_region == "eu" && f.event_trigger[0].retry_policy == "RETRY_POLICY_DO_NOT_RETRY"])
    error_message = "The trigger region follows the existing bucket's location; retries can be turned off."
  }
}

run "http_only" {
  command = plan

  variables {
    create_event_functions = false
    allow_unauthenticated  = false
  }

  assert {
    condition     = length(google_cloudfunctions2_function.events) == 0 && length(google_service_account.trigger) == 0
    error_message = "No indexer and no trigger account without event functions."
  }

  assert {
    condition     = length(google_project_iam_member.gcs_pubsub_publisher) == 0
    error_message = "The Cloud Storage service agent gets no role without event functions."
  }

  assert {
    condition     = length(google_cloud_run_v2_service_iam_member.api_public) == 0
    error_message = "allow_unauthenticated = false leaves the URL private."
  }
}
