output "dashboard_url" {
  description = "The dashboard, once DNS has propagated and Caddy has its certificate."
  value       = "https://${var.dashboard_domain_name}/"
}

output "api_url" {
  description = "Base URL of the API that the Lambda functions post to (API_URL)."
  value       = local.api_base_url
}

output "api_domain_url" {
  description = "The API under its own name (null when api_domain_name is not set)."
  value       = var.api_domain_name == null ? null : "https://${var.api_domain_name}/api/"
}

output "host_instance_id" {
  description = "EC2 instance id of the host (aws ssm start-session --target <id>)."
  value       = aws_instance.host.id
}

output "host_public_ip" {
  description = "Elastic IP of the host, the target of the A records."
  value       = aws_eip.host.public_ip
}

output "host_ami_id" {
  description = "Debian 12 AMI the host was launched from (later releases are ignored until the host is replaced)."
  value       = aws_instance.host.ami
}

output "session_manager_command" {
  description = "Command that opens a shell on the host (null when Session Manager is off)."
  value       = var.enable_session_manager ? "aws ssm start-session --region ${var.aws_region} --target ${aws_instance.host.id}" : null
}

output "host_log_group" {
  description = "CloudWatch log group of the host's containers (AWSLOGS_GROUP)."
  value       = aws_cloudwatch_log_group.host.name
}

output "lambda_function_names" {
  description = "Lambda function of each handler."
  value       = { for handler, function in aws_lambda_function.handler : handler => function.function_name }
}

output "lambda_log_groups" {
  description = "Log group of each Lambda function (aws logs tail <group> --follow)."
  value       = { for handler, group in aws_cloudwatch_log_group.lambda : handler => group.name }
}

output "db_secret_arn" {
  description = "Secrets Manager secret with the PostgreSQL credentials and DATABASE_URL."
  value       = aws_secretsmanager_secret.db_password.arn
}

output "api_key_secret_arn" {
  description = "Secrets Manager secret with the API key ({\"key\": ...}), BACKEND_SECRET of the Lambda functions."
  value       = aws_secretsmanager_secret.api_key.arn
}

output "alerts_topic_arn" {
  description = "SNS topic of every alarm and of the budget; subscribe more addresses to it."
  value       = aws_sns_topic.alerts.arn
}

output "rds_endpoint" {
  description = "address:port of the RDS instance (null unless use_rds)."
  value       = var.use_rds ? aws_db_instance.postgres[0].endpoint : null
}
