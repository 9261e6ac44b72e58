# Event-triggered indexing: the source bucket notifies a queue of created and removed objects; the indexing function
# reads the queue in batches and reports the messages that failed, which come back after the visibility timeout and
# move to the dead-letter queue after max_receive_count deliveries. Poison files do not fail: the code records them
# once under deadletter/ in the state bucket.

resource "aws_s3_bucket" "source" {
  count  = var.create_indexer && var.create_source_bucket ? 1 : 0
  bucket = var.source_bucket_name
  tags   = var.tags
}

resource "aws_s3_bucket_versioning" "source" {
  count  = var.create_indexer && var.create_source_bucket ? 1 : 0
  bucket = aws_s3_bucket.source[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "source" {
  count                   = var.create_indexer && var.create_source_bucket ? 1 : 0
  bucket                  = aws_s3_bucket.source[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_sqs_queue" "dead_letters" {
  count                     = local.indexer_count
  name                      = "${var.name}-ingest-dead-letters"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue" "ingest" {
  count                      = local.indexer_count
  name                       = "${var.name}-ingest"
  visibility_timeout_seconds = 6 * var.indexer_timeout
  sqs_managed_sse_enabled    = true
  # a queue setting, not an IAM policy: the provider takes it as a JSON string
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letters[0].arn
    maxReceiveCount     = var.max_receive_count
  })
  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.source_bucket_name != null
      error_message = "source_bucket_name is required when create_indexer is true."
    }
  }
}

resource "aws_sqs_queue_policy" "ingest" {
  count     = local.indexer_count
  queue_url = aws_sqs_queue.ingest[0].id
  policy    = data.aws_iam_policy_document.ingest_queue[0].json
}

resource "aws_s3_bucket_notification" "source" {
  count  = local.indexer_count
  bucket = local.source_bucket

  queue {
    queue_arn = aws_sqs_queue.ingest[0].arn
    events    = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
  }

  depends_on = [aws_sqs_queue_policy.ingest]
}

resource "aws_lambda_event_source_mapping" "ingest" {
  count                   = local.indexer_count
  event_source_arn        = aws_sqs_queue.ingest[0].arn
  function_name           = aws_lambda_alias.indexer[0].arn
  batch_size              = var.batch_size
  function_response_types = ["ReportBatchItemFailures"]
}
