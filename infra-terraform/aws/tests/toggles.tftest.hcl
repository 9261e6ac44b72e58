# The create_* toggles and the caller's environment, plan-only with a mocked AWS provider.

mock_provider "aws" {}

variables {
  package_path       = "tests/fixtures/function.zip.txt"
  state_bucket_name  = "abi-test-state"
  source_bucket_name = "abi-test-source"
}

run "caller_cannot_drop_required_environment" {
  command = plan

  variables {
    environment = {
      JAVA_TOOL_OPTIONS = "-Xss2m"
      ABI_STORE_KIND    = "local"
      ABI_AUTH_ENABLED  = "true"
    }
  }

  assert {
    condition     = aws_lambda_function.api.environment[0].variables["JAVA_TOOL_OPTIONS"] == "--add-modules=jdk.incubator.vector"
    error_message = "the module's JAVA_TOOL_OPTIONS must win over the caller's"
  }

  assert {
    condition     = aws_lambda_function.api.environment[0].variables["ABI_STORE_KIND"] == "s3"
    error_message = "the module's store settings must win over the caller's"
  }

  assert {
    condition     = aws_lambda_function.api.environment[0].variables["ABI_AUTH_ENABLED"] == "true"
    error_message = "the caller's other settings must reach the functions"
  }
}

run "function_url_instead_of_http_api" {
  command = plan

  variables {
    create_http_api     = false
    create_function_url = true
  }

  assert {
    condition     = length(aws_apigatewayv2_api.http) == 0 && length(aws_lambda_permission.http_api) == 0
    error_message = "no HTTP API when create_http_api is false"
  }

  assert {
    condition     = length(aws_lambda_function_url.api) == 1 && aws_lambda_function_url.api[0].qualifier == "live"
    error_message = "the Function URL is on the alias live"
  }

  assert {
    condition     = aws_lambda_permission.function_url[0].function_url_auth_type == "NONE" && aws_lambda_permission.function_url_invoke[0].invoked_via_function_url
    error_message = "a public Function URL needs both invoke permissions"
  }
}

run "without_indexing" {
  command = plan

  variables {
    create_indexer     = false
    source_bucket_name = null
  }

  assert {
    condition     = length(aws_lambda_function.indexer) == 0 && length(aws_sqs_queue.ingest) == 0 && length(aws_s3_bucket_notification.source) == 0
    error_message = "create_indexer = false creates no indexing resources"
  }
}

run "existing_source_bucket" {
  command = plan

  variables {
    create_source_bucket = false
    source_bucket_name   = "someone-elses-bucket"
  }

  assert {
    condition     = length(aws_s3_bucket.source) == 0 && aws_s3_bucket_notification.source[0].bucket == "someone-elses-bucket"
    error_message = "an existing bucket gets the notification and is not created"
  }
}

run "gc_backstop_must_outlive_retention" {
  command = plan

  variables {
    noncurrent_version_expiration_days = 7
  }

  expect_failures = [var.noncurrent_version_expiration_days]
}
