# The front door: an HTTP API (payload format 2.0, as the SAM template's HttpApi event) and/or a Function URL, both
# on the API function's alias.

resource "aws_apigatewayv2_api" "http" {
  count         = var.create_http_api ? 1 : 0
  name          = "${var.name}-api"
  protocol_type = "HTTP"
  tags          = var.tags
}

resource "aws_apigatewayv2_integration" "api" {
  count                  = var.create_http_api ? 1 : 0
  api_id                 = aws_apigatewayv2_api.http[0].id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_alias.api.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "default" {
  count     = var.create_http_api ? 1 : 0
  api_id    = aws_apigatewayv2_api.http[0].id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.api[0].id}"
}

resource "aws_apigatewayv2_stage" "default" {
  count       = var.create_http_api ? 1 : 0
  api_id      = aws_apigatewayv2_api.http[0].id
  name        = "$default"
  auto_deploy = true
  tags        = var.tags
}

resource "aws_lambda_permission" "http_api" {
  count         = var.create_http_api ? 1 : 0
  statement_id  = "AllowHttpApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  qualifier     = aws_lambda_alias.api.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.http[0].execution_arn}/*/*"
}

# A public URL (auth NONE: the application checks API keys or JWTs itself, see docs/security.md). Lambda wants both
# statements for it: InvokeFunctionUrl for the URL's auth type, and InvokeFunction when invoked through a URL.
resource "aws_lambda_function_url" "api" {
  count              = var.create_function_url ? 1 : 0
  function_name      = aws_lambda_function.api.function_name
  qualifier          = aws_lambda_alias.api.name
  authorization_type = "NONE"
}

resource "aws_lambda_permission" "function_url" {
  count                  = var.create_function_url ? 1 : 0
  statement_id           = "AllowPublicFunctionUrl"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.api.function_name
  qualifier              = aws_lambda_alias.api.name
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_permission" "function_url_invoke" {
  count                    = var.create_function_url ? 1 : 0
  statement_id             = "AllowInvokeThroughFunctionUrl"
  action                   = "lambda:InvokeFunction"
  function_name            = aws_lambda_function.api.function_name
  qualifier                = aws_lambda_alias.api.name
  principal                = "*"
  invoked_via_function_url = true
}
