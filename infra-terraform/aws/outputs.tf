output "http_api_url" {
  description = "Base URL of the HTTP API (null when create_http_api is false)."
  value       = var.create_http_api ? aws_apigatewayv2_stage.default[0].invoke_url : null
}

output "function_url" {
  description = "The API function's Function URL (null when create_function_url is false)."
  value       = var.create_function_url ? aws_lambda_function_url.api[0].function_url : null
}

output "api_function_name" {
  description = "Name of the API function."
  value       = aws_lambda_function.api.function_name
}

output "api_alias_arn" {
  description = "ARN of the API function's alias \"live\" (the published version that SnapStart snapshots)."
  value       = aws_lambda_alias.api.arn
}

output "indexer_function_name" {
  description = "Name of the indexing function (null when create_indexer is false)."
  value       = var.create_indexer ? aws_lambda_function.indexer[0].function_name : null
}

output "indexer_alias_arn" {
  description = "ARN of the indexing function's alias \"live\", which the SQS mapping invokes (null when create_indexer is false)."
  value       = var.create_indexer ? aws_lambda_alias.indexer[0].arn : null
}

output "state_bucket" {
  description = "Name of the state bucket (ABI_STORE_BUCKET)."
  value       = aws_s3_bucket.state.id
}

output "source_bucket" {
  description = "Name of the bucket whose files are indexed (null when create_indexer is false)."
  value       = local.source_bucket
}

output "metadata_table" {
  description = "Name of the DynamoDB table (ABI_METADATA_TABLE)."
  value       = aws_dynamodb_table.metadata.name
}

output "ingest_queue_url" {
  description = "URL of the queue between the source bucket and the indexer (null when create_indexer is false)."
  value       = var.create_indexer ? aws_sqs_queue.ingest[0].id : null
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue of the indexing queue (null when create_indexer is false)."
  value       = var.create_indexer ? aws_sqs_queue.dead_letters[0].id : null
}

output "api_role_arn" {
  description = "ARN of the API function's execution role."
  value       = aws_iam_role.api.arn
}

output "indexer_role_arn" {
  description = "ARN of the indexing function's execution role (null when create_indexer is false)."
  value       = var.create_indexer ? aws_iam_role.indexer[0].arn : null
}
