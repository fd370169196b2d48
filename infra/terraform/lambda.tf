# The fetchers and the retention job as Lambda functions: one function per handler, all from the
# same package (dist/oceandash-lambda.zip, a `bootstrap` at its root that starts `oceandash
# lambda`), which picks its handler from _HANDLER. Each runs on its own EventBridge schedule and
# posts to the backend's API with the key from Secrets Manager.

locals {
  # handler name => schedule. The handler names are the runtime's; the map drives every
  # per-function resource below.
  lambda_handlers = {
    fetch_noaa = {
      schedule    = var.fetch_schedule_expression
      description = "Fetch NOAA ERDDAP sea surface temperature and post it to the backend"
    }
    fetch_copernicus = {
      schedule    = var.fetch_schedule_expression
      description = "Fetch the Copernicus Marine model sources and post them to the backend"
    }
    fetch_chlorophyll = {
      schedule    = var.fetch_schedule_expression
      description = "Fetch ERDDAP chlorophyll-a and post it to the backend"
    }
    fetch_ndbc = {
      schedule    = var.fetch_schedule_expression
      description = "Fetch NDBC buoy observations and post them to the backend"
    }
    cleanup = {
      schedule    = var.cleanup_schedule_expression
      description = "Ask the backend to delete observations older than its retention window"
    }
  }

  lambda_function_names = {
    for handler in keys(local.lambda_handlers) : handler => "${var.app_name}-${replace(handler, "_", "-")}"
  }

  # Hashed only when present, so a missing package fails the precondition below with a sentence
  # instead of a bare "no file exists" from filebase64sha256.
  lambda_zip_exists = fileexists(local.lambda_zip_path)
  lambda_zip_hash   = local.lambda_zip_exists ? filebase64sha256(local.lambda_zip_path) : null
}

# Created before the functions so that Lambda writes into groups with a retention instead of
# creating its own that keep logs forever.
resource "aws_cloudwatch_log_group" "lambda" {
  for_each = local.lambda_handlers

  name              = "/aws/lambda/${local.lambda_function_names[each.key]}"
  retention_in_days = var.log_retention_days
}

resource "aws_iam_role" "lambda" {
  name               = "${var.app_name}-lambda"
  description        = "Execution role of the ${var.app_name} Lambda functions"
  assume_role_policy = data.aws_iam_policy_document.assume_role["lambda"].json
}

# Only what the functions do: read the API key, write their own log streams. No VPC, no
# database: they reach the backend over HTTPS like any client.
data "aws_iam_policy_document" "lambda" {
  statement {
    sid       = "ReadApiKey"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.api_key.arn]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for group in aws_cloudwatch_log_group.lambda : "${group.arn}:*"]
  }
}

resource "aws_iam_role_policy" "lambda" {
  name   = "${var.app_name}-lambda"
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.lambda.json
}

resource "aws_lambda_function" "handler" {
  for_each = local.lambda_handlers

  function_name = local.lambda_function_names[each.key]
  description   = each.value.description
  role          = aws_iam_role.lambda.arn

  filename         = local.lambda_zip_path
  source_code_hash = local.lambda_zip_hash
  runtime          = "provided.al2023"
  handler          = each.key
  # The package is built on x86_64 with its own loader and libraries.
  architectures = ["x86_64"]
  memory_size   = 128
  timeout       = var.lambda_timeout_seconds

  environment {
    variables = {
      API_URL        = local.api_base_url
      BACKEND_SECRET = aws_secretsmanager_secret.api_key.arn
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.lambda[each.key].name
  }

  lifecycle {
    precondition {
      condition     = local.lambda_zip_exists
      error_message = "The Lambda package ${local.lambda_zip_path} does not exist: build it first with scripts/package-lambda.sh, or set lambda_zip_path."
    }
  }

  # The key must be readable before the first scheduled run.
  depends_on = [aws_iam_role_policy.lambda, aws_secretsmanager_secret_version.api_key]
}

# A failed run is not retried by Lambda: the next scheduled run fetches the same window again
# (each source re-reads its lookback days), as the server's own scheduler does.
resource "aws_lambda_function_event_invoke_config" "handler" {
  for_each = local.lambda_handlers

  function_name                = aws_lambda_function.handler[each.key].function_name
  maximum_retry_attempts       = 0
  maximum_event_age_in_seconds = 3600
}

resource "aws_cloudwatch_event_rule" "schedule" {
  for_each = local.lambda_handlers

  name                = local.lambda_function_names[each.key]
  description         = "${each.value.description} (${each.value.schedule}, UTC)"
  schedule_expression = each.value.schedule
}

resource "aws_cloudwatch_event_target" "schedule" {
  for_each = local.lambda_handlers

  rule      = aws_cloudwatch_event_rule.schedule[each.key].name
  target_id = "lambda"
  arn       = aws_lambda_function.handler[each.key].arn
}

resource "aws_lambda_permission" "schedule" {
  for_each = local.lambda_handlers

  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.handler[each.key].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule[each.key].arn
}
