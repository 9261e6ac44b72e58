# Two functions from the one package, as in adapters-aws/deploy/template.yaml: the HTTP API and the indexer.
# Each publishes a version (SnapStart snapshots published versions only) and has the alias "live" on it; the HTTP
# integration, the Function URL and the SQS mapping all invoke the alias, never $LATEST.

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/lambda/${var.name}-api"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "api" {
  function_name    = "${var.name}-api"
  role             = aws_iam_role.api.arn
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  handler          = local.handler
  runtime          = local.runtime
  architectures    = ["x86_64"]
  memory_size      = var.api_memory_size
  timeout          = var.api_timeout
  publish          = true

  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  environment {
    variables = merge(var.environment, local.required_environment)
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.api.name
  }

  # X-Ray traces each invocation (docs/operations.md); the role may write segments (iam.tf, xray)
  tracing_config {
    mode = var.tracing_mode
  }

  tags = var.tags

  # Publishing runs the init phase (and SnapStart's priming, which reads the state bucket): the role's policies first.
  depends_on = [aws_iam_role_policy.api_state, aws_iam_role_policy.api_logs, aws_iam_role_policy.api_xray]
}

resource "aws_lambda_alias" "api" {
  name             = "live"
  function_name    = aws_lambda_function.api.function_name
  function_version = aws_lambda_function.api.version
}

resource "aws_cloudwatch_log_group" "indexer" {
  count             = local.indexer_count
  name              = "/aws/lambda/${var.name}-indexer"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "indexer" {
  count            = local.indexer_count
  function_name    = "${var.name}-indexer"
  role             = aws_iam_role.indexer[0].arn
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  handler          = local.handler
  runtime          = local.runtime
  architectures    = ["x86_64"]
  memory_size      = var.indexer_memory_size
  timeout          = var.indexer_timeout
  publish          = true

  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  environment {
    variables = merge(var.environment, local.required_environment)
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.indexer[0].name
  }

  tracing_config {
    mode = var.tracing_mode
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.indexer_state, aws_iam_role_policy.indexer, aws_iam_role_policy.indexer_xray]
}

resource "aws_lambda_alias" "indexer" {
  count            = local.indexer_count
  name             = "live"
  function_name    = aws_lambda_function.indexer[0].function_name
  function_version = aws_lambda_function.indexer[0].version
}
