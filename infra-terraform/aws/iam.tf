# Least privilege, as policy documents: each function reads and writes the state bucket's objects and the table's
# items; the indexer also reads the source bucket and consumes its queue. No statement has a wildcard action, and
# only one has a "*" resource: XRayWrite (below), because the X-Ray write actions support no resource-level
# permissions. It is the one entry of the allowlist in infra-terraform/README.md ("IAM wildcard allowlist"), which the
# build's policy check enforces. The object ARNs ending in /* name the bucket's objects, not everything.

data "aws_partition" "current" {}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    sid     = "LambdaAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "state" {
  statement {
    sid       = "StateObjects"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/*"]
  }

  statement {
    sid       = "StateBucket"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.state.arn]
  }

  statement {
    sid = "MetadataItems"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
    ]
    resources = [aws_dynamodb_table.metadata.arn]
  }
}

data "aws_iam_policy_document" "api_logs" {
  statement {
    sid       = "ApiLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.api.arn}:log-stream:*"]
  }
}

resource "aws_iam_role" "api" {
  name               = "${var.name}-api"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "api_state" {
  name   = "state"
  role   = aws_iam_role.api.id
  policy = data.aws_iam_policy_document.state.json
}

resource "aws_iam_role_policy" "api_logs" {
  name   = "logs"
  role   = aws_iam_role.api.id
  policy = data.aws_iam_policy_document.api_logs.json
}

data "aws_iam_policy_document" "indexer" {
  count = local.indexer_count

  statement {
    sid       = "SourceObjects"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${local.source_arn}/*"]
  }

  statement {
    sid       = "SourceBucket"
    actions   = ["s3:ListBucket"]
    resources = [local.source_arn]
  }

  statement {
    sid       = "IngestQueue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
    resources = [aws_sqs_queue.ingest[0].arn]
  }

  statement {
    sid       = "IndexerLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.indexer[0].arn}:log-stream:*"]
  }
}

resource "aws_iam_role" "indexer" {
  count              = local.indexer_count
  name               = "${var.name}-indexer"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "indexer_state" {
  count  = local.indexer_count
  name   = "state"
  role   = aws_iam_role.indexer[0].id
  policy = data.aws_iam_policy_document.state.json
}

resource "aws_iam_role_policy" "indexer" {
  count  = local.indexer_count
  name   = "indexer"
  role   = aws_iam_role.indexer[0].id
  policy = data.aws_iam_policy_document.indexer[0].json
}

# Only S3 notifications from the source bucket may send to the queue.
data "aws_iam_policy_document" "ingest_queue" {
  count = local.indexer_count

  statement {
    sid       = "SourceBucketNotifies"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.ingest[0].arn]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.source_arn]
    }
  }
}

# X-Ray segments of the functions' invocations (tracing_mode = "Active"). X-Ray's write calls take no resource ARN.
data "aws_iam_policy_document" "xray" {
  statement {
    sid       = "XRayWrite"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "api_xray" {
  name   = "xray"
  role   = aws_iam_role.api.id
  policy = data.aws_iam_policy_document.xray.json
}

resource "aws_iam_role_policy" "indexer_xray" {
  count  = local.indexer_count
  name   = "xray"
  role   = aws_iam_role.indexer[0].id
  policy = data.aws_iam_policy_document.xray.json
}
