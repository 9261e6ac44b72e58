# Plan-only tests with a mocked AWS provider: `terraform init && terraform test` in infra-terraform/aws/ (no
# credentials, no network once the provider is installed). Computed values (ARNs, versions) are unknown in a plan, so
# these assert what the plan knows; the build's static checks cover the rest (alias targets, IAM, the contract).

mock_provider "aws" {}

variables {
  package_path       = "tests/fixtures/function.zip.txt"
  state_bucket_name  = "abi-test-state"
  source_bucket_name = "abi-test-source"
}

run "functions_carry_the_required_environment" {
  command = plan

  assert {
    condition     = aws_lambda_function.api.environment[0].variables["JAVA_TOOL_OPTIONS"] == "--add-modules=jdk.incubator.vector"
    error_message = "the API function must start with the Vector API module"
  }

  assert {
    condition     = aws_lambda_function.indexer[0].environment[0].variables["JAVA_TOOL_OPTIONS"] == "--add-modules=jdk.incubator.vector"
    error_message = "the indexing function must start with the Vector API module"
  }

  assert {
    condition     = aws_lambda_function.api.environment[0].variables["ABI_STORE_KIND"] == "s3" && aws_lambda_function.api.environment[0].variables["ABI_STORE_BUCKET"] == "abi-test-state"
    error_message = "the functions must keep their state in the state bucket"
  }

  assert {
    condition     = aws_lambda_function.indexer[0].environment[0].variables["ABI_METADATA_TABLE"] == aws_dynamodb_table.metadata.name
    error_message = "the functions must use the module's table"
  }
}

run "functions_match_the_sam_template" {
  command = plan

  assert {
    condition     = aws_lambda_function.api.memory_size == 2048 && aws_lambda_function.api.timeout == 30
    error_message = "the API function: 2048 MB, 30 s"
  }

  assert {
    condition     = aws_lambda_function.indexer[0].memory_size == 2048 && aws_lambda_function.indexer[0].timeout == 60
    error_message = "the indexing function: 2048 MB, 60 s"
  }

  assert {
    condition     = aws_lambda_function.api.runtime == "java21" && aws_lambda_function.indexer[0].handler == "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest"
    error_message = "Java 21 and the Quarkus stream handler"
  }

  assert {
    condition     = aws_lambda_function.indexer[0].publish && aws_lambda_function.indexer[0].snap_start[0].apply_on == "PublishedVersions"
    error_message = "SnapStart on published versions"
  }

  assert {
    condition     = aws_lambda_alias.api.name == "live" && aws_lambda_alias.indexer[0].name == "live"
    error_message = "both functions have the alias live"
  }
}

run "indexing_is_wired" {
  command = plan

  assert {
    condition     = aws_sqs_queue.ingest[0].visibility_timeout_seconds == 6 * aws_lambda_function.indexer[0].timeout
    error_message = "the visibility timeout must be six times the indexer's timeout"
  }

  assert {
    condition     = aws_lambda_event_source_mapping.ingest[0].batch_size == 10 && contains(aws_lambda_event_source_mapping.ingest[0].function_response_types, "ReportBatchItemFailures")
    error_message = "batches of 10 with partial batch failures"
  }

  assert {
    condition     = anytrue([for q in aws_s3_bucket_notification.source[0].queue : contains(q.events, "s3:ObjectCreated:*") && contains(q.events, "s3:ObjectRemoved:*")])
    error_message = "the source bucket notifies created and removed objects"
  }

  assert {
    condition     = aws_s3_bucket.source[0].bucket == "abi-test-source"
    error_message = "the module creates the source bucket by default"
  }
}

run "state_is_protected" {
  command = plan

  assert {
    condition     = aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "the state bucket must be versioned"
  }

  assert {
    condition     = aws_s3_bucket_public_access_block.state.block_public_acls && aws_s3_bucket_public_access_block.state.restrict_public_buckets
    error_message = "the state bucket must block public access"
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.state.rule[0].noncurrent_version_expiration[0].noncurrent_days > 7
    error_message = "noncurrent versions must outlive the 7-day GC retention"
  }

  assert {
    condition     = aws_dynamodb_table.metadata.point_in_time_recovery[0].enabled && aws_dynamodb_table.metadata.billing_mode == "PAY_PER_REQUEST"
    error_message = "the table: on demand, with point-in-time recovery"
  }

  assert {
    condition     = aws_dynamodb_table.metadata.hash_key == "pk" && aws_dynamodb_table.metadata.ttl[0].attribute_name == "ttl"
    error_message = "the table's key is pk and its TTL attribute ttl, as the code writes them"
  }

  assert {
    condition     = aws_apigatewayv2_integration.api[0].payload_format_version == "2.0"
    error_message = "the HTTP API uses payload format 2.0"
  }
}
