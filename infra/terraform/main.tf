# Ocean Data Dashboard on AWS: one EC2 host running the compose stack (Caddy, backend, dashboard,
# PostgreSQL or RDS, Redis), the fetchers and the retention job as C++ Lambda functions on
# EventBridge schedules, secrets in Secrets Manager, alarms to SNS. See ../README.md.

terraform {
  # Preconditions and startswith/endswith need 1.3; 1.5 because older releases are unsupported.
  required_version = ">= 1.5.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
    cloudinit = {
      source  = "hashicorp/cloudinit"
      version = "~> 2.3"
    }
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Application = var.app_name
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# Who may assume each role: the host's instance profile (ec2.tf) and the Lambda functions
# (lambda.tf).
data "aws_iam_policy_document" "assume_role" {
  for_each = {
    host   = "ec2.amazonaws.com"
    lambda = "lambda.amazonaws.com"
  }

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = [each.value]
    }
  }
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # The Lambda functions post to the dashboard's own name: Caddy sends /api/* to the backend.
  api_base_url = "https://${var.dashboard_domain_name}/api"

  lambda_zip_path = coalesce(var.lambda_zip_path, "${path.module}/../../dist/oceandash-lambda.zip")

  # BACKUP_S3_URI = s3://bucket[/prefix]; the instance may only put objects under that prefix.
  backup_enabled = var.backup_s3_uri != null
  backup_parts   = local.backup_enabled ? regex("^s3://([^/]+)/?(.*)$", var.backup_s3_uri) : ["", ""]
  backup_bucket  = local.backup_enabled ? local.backup_parts[0] : null
  backup_prefix  = local.backup_enabled ? trim(local.backup_parts[1], "/") : null
  backup_object_arn = (local.backup_enabled
    ? join("/", compact(["arn:${local.partition}:s3:::${local.backup_bucket}", local.backup_prefix, "*"]))
  : null)
}
