# Leases, head hints and idempotency records: a cache and coordinator (deleting it loses no data), keyed by pk, with
# expiring items under ttl. On demand, with point-in-time recovery; encrypted at rest by DynamoDB's default key.

resource "aws_dynamodb_table" "metadata" {
  name         = "${var.name}-metadata"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  tags = var.tags
}
