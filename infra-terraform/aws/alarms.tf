# The alarm set of docs/operations.md. ABI's own metrics come from the EMF lines the functions print (namespace
# "ABI"; each metric also carries an empty dimension set, so it exists as one series per name across all tags);
# the 5xx rate comes from API Gateway's own metrics. A missing datapoint means nothing happened: not breaching.

locals {
  alarm_count      = var.create_alarms ? 1 : 0
  http_alarm_count = var.create_alarms && var.create_http_api ? 1 : 0
  watched_breakers = var.create_alarms ? toset(["object-store", "gpu-service"]) : toset([])
}

resource "aws_cloudwatch_metric_alarm" "http_5xx_rate" {
  count               = local.http_alarm_count
  alarm_name          = "${var.name}-5xx-rate"
  alarm_description   = "More than ${var.alarm_5xx_rate * 100}% of HTTP API requests answered 5xx over 5 minutes."
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = var.alarm_5xx_rate
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, errors / requests, 0)"
    label       = "5xx share"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "5xx"
      dimensions  = { ApiId = aws_apigatewayv2_api.http[0].id }
      period      = 300
      stat        = "Sum"
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      dimensions  = { ApiId = aws_apigatewayv2_api.http[0].id }
      period      = 300
      stat        = "Sum"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "query_p99" {
  count               = local.alarm_count
  alarm_name          = "${var.name}-query-p99"
  alarm_description   = "p99 of abi.query above ${var.alarm_query_p99_ms} ms over 5 minutes, all paths and devices."
  namespace           = "ABI"
  metric_name         = "abi.query"
  extended_statistic  = "p99"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_query_p99_ms
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "breaker_open" {
  for_each            = local.watched_breakers
  alarm_name          = "${var.name}-breaker-open-${each.key}"
  alarm_description   = "The ${each.key} circuit breaker opened: that upstream is failing and requests are refused with 503."
  namespace           = "ABI"
  metric_name         = "abi.breaker.transitions"
  dimensions          = { breaker = each.key, to = "open" }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  count               = local.alarm_count
  alarm_name          = "${var.name}-dead-letters"
  alarm_description   = "Storage events were given up on and written to deadletter/ (see docs/operations.md)."
  namespace           = "ABI"
  metric_name         = "abi.events.dead_lettered"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "commit_conflicts" {
  count               = local.alarm_count
  alarm_name          = "${var.name}-commit-conflicts"
  alarm_description   = "More than ${var.alarm_commit_conflicts} commit-log conflicts in 5 minutes: writers contend for one namespace."
  namespace           = "ABI"
  metric_name         = "abi.commit.conflicts"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_commit_conflicts
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
