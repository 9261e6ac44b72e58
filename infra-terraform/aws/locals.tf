locals {
  # The handler both SAM functions use; Quarkus routes to the HTTP API or to the SQS handler by the event's shape.
  handler = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest"
  runtime = "java21"

  # GPU routing (dev.abi.gateway.GpuRouting): large exact queries go to the GPU service first when it is set.
  gpu_environment = var.gpu_service_url == null ? {} : { ABI_GPU_URL = var.gpu_service_url }

  # Merged last, so var.environment can't drop or change them (see the functions' environment blocks).
  required_environment = merge(local.gpu_environment, {
    # The Vector API is an incubator module: without this flag the kernels fall back to scalar code.
    JAVA_TOOL_OPTIONS  = "--add-modules=jdk.incubator.vector"
    ABI_STORE_KIND     = "s3"
    ABI_STORE_BUCKET   = aws_s3_bucket.state.bucket
    ABI_METADATA_KIND  = "dynamodb"
    ABI_METADATA_TABLE = aws_dynamodb_table.metadata.name
  })

  indexer_count = var.create_indexer ? 1 : 0
  source_bucket = var.create_indexer ? (var.create_source_bucket ? aws_s3_bucket.source[0].bucket : var.source_bucket_name) : null
  source_arn    = var.create_indexer ? "arn:${data.aws_partition.current.partition}:s3:::${var.source_bucket_name}" : null
}
