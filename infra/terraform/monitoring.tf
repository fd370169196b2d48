# Alarms to one SNS topic: Lambda errors, the host's CPU and status checks, and a fetch function
# without one successful run for fetch_stale_hours. Plus the account's monthly cost budget.

resource "aws_sns_topic" "alerts" {
  name = "${var.app_name}-alerts"
}

resource "aws_sns_topic_subscription" "alerts_email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# The topic's policy replaces SNS's default one, so it names every publisher: the account itself,
# CloudWatch alarms and AWS Budgets of this account only.
data "aws_iam_policy_document" "alerts" {
  statement {
    sid     = "AccountManages"
    actions = ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:Subscribe", "SNS:Publish", "SNS:ListSubscriptionsByTopic", "SNS:DeleteTopic"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
    resources = [aws_sns_topic.alerts.arn]
  }

  statement {
    sid     = "AlarmsAndBudgetsPublish"
    actions = ["SNS:Publish"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]
    }
    resources = [aws_sns_topic.alerts.arn]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts.json
}

locals {
  alarm_actions = [aws_sns_topic.alerts.arn]
  fetch_handlers = {
    for handler, settings in local.lambda_handlers : handler => settings if startswith(handler, "fetch_")
  }
}

# A handler that reports to the Runtime API's error endpoint (or times out, or crashes) counts
# in AWS/Lambda Errors.
resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each = local.lambda_handlers

  alarm_name          = "${local.lambda_function_names[each.key]}-errors"
  alarm_description   = "${local.lambda_function_names[each.key]} failed (an error, a timeout or a crash) within the last hour."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.handler[each.key].function_name }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  # No invocation in the hour is not an error; staleness has its own alarm below.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}

# Successful runs = Invocations - Errors over one period of fetch_stale_hours. Lambda publishes
# both (Errors as 0) for every invocation, so a period with no data means the function did not run
# at all (a disabled rule, a deleted permission), which must alarm too: treat_missing_data is
# "breaching". FILL covers a period holding only one of the two series.
resource "aws_cloudwatch_metric_alarm" "fetch_stale" {
  for_each = local.fetch_handlers

  alarm_name          = "${local.lambda_function_names[each.key]}-no-success-${var.fetch_stale_hours}h"
  alarm_description   = "${local.lambda_function_names[each.key]} has not completed one successful run in ${var.fetch_stale_hours} hours: the dashboard's data from this source is going stale."
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  evaluation_periods  = 1
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "successes"
    label       = "Successful invocations"
    expression  = "FILL(invocations, 0) - FILL(errors, 0)"
    return_data = true
  }

  metric_query {
    id = "invocations"
    metric {
      namespace   = "AWS/Lambda"
      metric_name = "Invocations"
      dimensions  = { FunctionName = aws_lambda_function.handler[each.key].function_name }
      stat        = "Sum"
      period      = var.fetch_stale_hours * 3600
    }
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      dimensions  = { FunctionName = aws_lambda_function.handler[each.key].function_name }
      stat        = "Sum"
      period      = var.fetch_stale_hours * 3600
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "host_cpu" {
  alarm_name          = "${var.app_name}-host-cpu-high"
  alarm_description   = "The host's average CPU was above ${var.cpu_alarm_threshold_percent} % for 15 minutes: a larger instance type, or more hosts (infra/README.md, scaling)."
  namespace           = "AWS/EC2"
  metric_name         = "CPUUtilization"
  dimensions          = { InstanceId = aws_instance.host.id }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.cpu_alarm_threshold_percent
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "host_status_check" {
  alarm_name          = "${var.app_name}-host-status-check-failed"
  alarm_description   = "The host failed its EC2 system or instance status check."
  namespace           = "AWS/EC2"
  metric_name         = "StatusCheckFailed"
  dimensions          = { InstanceId = aws_instance.host.id }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  # A stopped host reports nothing; the stop and start that a user data change makes must not
  # page anyone.
  treat_missing_data = "missing"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}

# Account-wide: the deployment is meant to have an account (or at least a bill) of its own. The
# default profile costs about $24 a month on demand in eu-west-3 (infra/README.md, "Costs"), so
# the actual-spend notice is at the limit itself and the forecast one only past 120 %, or both
# would fire every month.
resource "aws_budgets_budget" "monthly" {
  name         = "${var.app_name}-monthly"
  budget_type  = "COST"
  limit_amount = format("%.2f", var.monthly_budget_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 100
    threshold_type             = "PERCENTAGE"
    notification_type          = "ACTUAL"
    subscriber_sns_topic_arns  = [aws_sns_topic.alerts.arn]
    subscriber_email_addresses = var.alarm_email == null ? [] : [var.alarm_email]
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 120
    threshold_type             = "PERCENTAGE"
    notification_type          = "FORECASTED"
    subscriber_sns_topic_arns  = [aws_sns_topic.alerts.arn]
    subscriber_email_addresses = var.alarm_email == null ? [] : [var.alarm_email]
  }

  depends_on = [aws_sns_topic_policy.alerts]
}
