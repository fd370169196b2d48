# Every input of the deployment. Values that AWS or the services constrain are validated here, so
# a bad value stops `terraform plan` with a sentence instead of failing halfway through an apply.

variable "app_name" {
  description = "Name prefix of every resource (Lambda functions, roles, secrets, log groups, alarms). Lower-case letters, digits and hyphens."
  type        = string
  default     = "ocean-dashboard"

  validation {
    # The longest derived name, "<app_name>-fetch-chlorophyll" as a Lambda function and the RDS
    # identifier "<app_name>-db", must stay within AWS's 64- and 63-character limits.
    condition     = can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.app_name)) && length(var.app_name) <= 32
    error_message = "app_name must be 1-32 characters: lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "environment" {
  description = "Environment name, used as the Environment tag (production, staging, ...)."
  type        = string
  default     = "production"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,31}$", var.environment))
    error_message = "environment must be 1-32 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "aws_region" {
  description = "AWS region of every resource (the Budgets API is global and needs no region)."
  type        = string
  default     = "eu-west-3"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$", var.aws_region))
    error_message = "aws_region must be an AWS region code such as eu-west-3 or us-east-1."
  }
}

# --- EC2 host -------------------------------------------------------------------------------

variable "instance_type" {
  description = "EC2 instance type of the host running the compose stack. Must be an x86_64 type (the images and the Lambda zip are built for x86_64)."
  type        = string
  default     = "t3.small"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9-]+$", var.instance_type))
    error_message = "instance_type must look like family.size, e.g. t3.small or m7i.large."
  }
}

variable "cpu_credits" {
  description = "CPU credit option for burstable (t*) instance types: standard (never billed beyond the hourly price, throttled to the baseline) or unlimited (bursts billed per vCPU-hour). Ignored for other types."
  type        = string
  default     = "standard"

  validation {
    condition     = contains(["standard", "unlimited"], var.cpu_credits)
    error_message = "cpu_credits must be standard or unlimited."
  }
}

variable "root_volume_size_gb" {
  description = "Size in GiB of the encrypted gp3 root volume, which holds Docker, the images, the PostgreSQL volume (unless RDS is used) and the local backups."
  type        = number
  default     = 20

  validation {
    condition     = var.root_volume_size_gb >= 10 && var.root_volume_size_gb <= 1024 && floor(var.root_volume_size_gb) == var.root_volume_size_gb
    error_message = "root_volume_size_gb must be a whole number of GiB from 10 to 1024."
  }
}

variable "vpc_id" {
  description = "VPC to deploy into. null: the region's default VPC."
  type        = string
  default     = null

  validation {
    condition     = var.vpc_id == null || can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must be null or a VPC id such as vpc-0123456789abcdef0."
  }
}

variable "subnet_id" {
  description = "Public subnet of the EC2 host (it needs a route to an internet gateway). null: the first default-for-AZ subnet of the VPC."
  type        = string
  default     = null

  validation {
    condition     = var.subnet_id == null || can(regex("^subnet-[0-9a-f]{8,17}$", var.subnet_id))
    error_message = "subnet_id must be null or a subnet id such as subnet-0123456789abcdef0."
  }
}

variable "ssh_ingress_cidrs" {
  description = "CIDR blocks allowed to reach SSH (port 22), e.g. [\"203.0.113.7/32\"]. No default on purpose: [] opens no SSH at all (use SSM Session Manager). Anything open to the whole internet is refused."
  type        = list(string)

  validation {
    condition     = alltrue([for cidr in var.ssh_ingress_cidrs : can(cidrhost(cidr, 0))])
    error_message = "ssh_ingress_cidrs must hold CIDR blocks such as 203.0.113.7/32 or 2001:db8::/64."
  }

  validation {
    condition = alltrue([
      for cidr in var.ssh_ingress_cidrs : !contains(["0.0.0.0/0", "::/0"], cidr) && !endswith(cidr, "/0")
    ])
    error_message = "ssh_ingress_cidrs must not open SSH to the whole internet (0.0.0.0/0 or ::/0); give your own address or [] and use Session Manager."
  }
}

variable "ssh_key_name" {
  description = "Name of an existing EC2 key pair for SSH. null: no key (Session Manager only). Needed only when ssh_ingress_cidrs is not empty."
  type        = string
  default     = null

  validation {
    condition     = var.ssh_key_name == null || can(regex("^[\\x20-\\x7e]{1,255}$", var.ssh_key_name))
    error_message = "ssh_key_name must be null or the name of an EC2 key pair (1-255 printable ASCII characters)."
  }
}

variable "enable_session_manager" {
  description = "Let SSM Session Manager open shells on the host: installs the SSM agent at first boot (Debian images have none) and grants the five actions Session Manager needs."
  type        = bool
  default     = true
}

# --- Application ----------------------------------------------------------------------------

variable "route53_zone_name" {
  description = "Existing public Route53 hosted zone holding the records, e.g. kuroshio-lab.com (managed elsewhere; only looked up here)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}\\.?$", var.route53_zone_name))
    error_message = "route53_zone_name must be a DNS zone name such as example.org."
  }
}

variable "dashboard_domain_name" {
  description = "Public name of the dashboard inside route53_zone_name, e.g. dashboard.kuroshio-lab.com. Caddy gets its certificate for it; the Lambda functions post to https://<this>/api."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.dashboard_domain_name))
    error_message = "dashboard_domain_name must be a lower-case DNS name such as dashboard.example.org."
  }
}

variable "api_domain_name" {
  description = "Public name of the API inside route53_zone_name, e.g. api.dashboard.kuroshio-lab.com (an A record to the same host). null: no api record."
  type        = string
  default     = null

  validation {
    condition     = var.api_domain_name == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.api_domain_name))
    error_message = "api_domain_name must be null or a lower-case DNS name such as api.dashboard.example.org."
  }
}

variable "acme_email" {
  description = "E-mail address Caddy gives Let's Encrypt for certificate expiry notices. null: none."
  type        = string
  default     = null

  validation {
    # The entrypoint accepts letters, digits and ._:/@+=- only.
    condition     = var.acme_email == null || can(regex("^[A-Za-z0-9._+=-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$", var.acme_email))
    error_message = "acme_email must be null or an e-mail address of letters, digits and ._+=- (the host's entrypoint refuses other characters)."
  }
}

variable "backend_image" {
  description = "Container image of the backend (oceandash serve), e.g. ghcr.io/kuroshio-lab/oceandash:0.1.0. Pin a tag or digest: the host pulls it at boot."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-zA-Z0-9._/:@-]*[a-zA-Z0-9._-]$", var.backend_image))
    error_message = "backend_image must be an image reference such as registry.example.org/oceandash:0.1.0."
  }
}

variable "frontend_image" {
  description = "Container image of the dashboard (the static export behind its own web server), e.g. ghcr.io/kuroshio-lab/oceandash-web:0.1.0."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-zA-Z0-9._/:@-]*[a-zA-Z0-9._-]$", var.frontend_image))
    error_message = "frontend_image must be an image reference such as registry.example.org/oceandash-web:0.1.0."
  }
}

variable "backup_s3_uri" {
  description = "Where the host copies its daily PostgreSQL dumps, s3://bucket/prefix (an existing bucket). null: dumps stay on the host only. The instance role may put objects under this prefix and nothing else in S3."
  type        = string
  default     = null

  validation {
    condition     = var.backup_s3_uri == null || can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9_./=-]*)?$", var.backup_s3_uri))
    error_message = "backup_s3_uri must be null or s3://bucket/prefix with a valid bucket name and a prefix of letters, digits and _./=- (the host's entrypoint refuses other characters)."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the logs of the Lambda functions and of the host's containers."
  type        = number
  default     = 7

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

# --- Lambda ---------------------------------------------------------------------------------

variable "lambda_zip_path" {
  description = "Path of the Lambda package made by scripts/package-lambda.sh (bootstrap at its root). null: dist/oceandash-lambda.zip at the repository root."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_zip_path == null || endswith(coalesce(var.lambda_zip_path, "x"), ".zip")
    error_message = "lambda_zip_path must be null or the path of a .zip file."
  }
}

variable "lambda_timeout_seconds" {
  description = "Timeout of each Lambda function in seconds. A Copernicus run reads several Zarr stores at 128 MB (a small share of a vCPU), so it gets minutes, not seconds."
  type        = number
  default     = 300

  validation {
    condition     = var.lambda_timeout_seconds >= 10 && var.lambda_timeout_seconds <= 900 && floor(var.lambda_timeout_seconds) == var.lambda_timeout_seconds
    error_message = "lambda_timeout_seconds must be a whole number from 10 to 900 (Lambda's maximum)."
  }
}

variable "fetch_schedule_expression" {
  description = "EventBridge schedule of the four fetch functions (UTC)."
  type        = string
  default     = "cron(0 */6 * * ? *)"

  validation {
    condition     = can(regex("^(cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)|rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\))$", var.fetch_schedule_expression))
    error_message = "fetch_schedule_expression must be an EventBridge cron(min hour day month weekday year) or rate(N unit) expression."
  }
}

variable "cleanup_schedule_expression" {
  description = "EventBridge schedule of the retention cleanup function (UTC); daily, at the minute the server's own scheduler would use."
  type        = string
  default     = "cron(17 3 * * ? *)"

  validation {
    condition     = can(regex("^(cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)|rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\))$", var.cleanup_schedule_expression))
    error_message = "cleanup_schedule_expression must be an EventBridge cron(min hour day month weekday year) or rate(N unit) expression."
  }
}

# --- Monitoring -----------------------------------------------------------------------------

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (and to the budget). null: no subscription; subscribe later to the topic in the outputs. AWS sends a confirmation mail first."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be null or an e-mail address."
  }
}

variable "monthly_budget_usd" {
  description = "Monthly cost budget of the account in US dollars: a notice when the actual spend passes it or the forecast passes 120 % of it."
  type        = number
  default     = 25

  validation {
    condition     = var.monthly_budget_usd > 0
    error_message = "monthly_budget_usd must be a positive amount of US dollars."
  }
}

variable "cpu_alarm_threshold_percent" {
  description = "Average CPU utilisation of the host over 15 minutes above which the CPU alarm fires."
  type        = number
  default     = 70

  validation {
    condition     = var.cpu_alarm_threshold_percent > 0 && var.cpu_alarm_threshold_percent < 100
    error_message = "cpu_alarm_threshold_percent must be between 0 and 100."
  }
}

variable "fetch_stale_hours" {
  description = "Hours without one successful invocation of a fetch function after which its alarm fires. At least two 6-hourly runs fit in the default 12."
  type        = number
  default     = 12

  validation {
    # One alarm period of this length; CloudWatch takes periods up to a day.
    condition     = var.fetch_stale_hours >= 1 && var.fetch_stale_hours <= 24 && floor(var.fetch_stale_hours) == var.fetch_stale_hours
    error_message = "fetch_stale_hours must be a whole number of hours from 1 to 24."
  }
}

# --- RDS alternative ------------------------------------------------------------------------

variable "use_rds" {
  description = "Run PostgreSQL on RDS instead of the postgres container (rds-alternative.tf): encrypted, automated backups, reachable only from the host."
  type        = bool
  default     = false
}

variable "rds_instance_class" {
  description = "RDS instance class when use_rds is true."
  type        = string
  default     = "db.t4g.micro"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.rds_instance_class))
    error_message = "rds_instance_class must look like db.family.size, e.g. db.t4g.micro."
  }
}

variable "rds_engine_version" {
  description = "PostgreSQL major version on RDS (minor versions are upgraded by AWS). Keep it equal to the container's major version when moving data from the container."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^1[3-9]$", var.rds_engine_version))
    error_message = "rds_engine_version must be a PostgreSQL major version from 13 to 19, e.g. 16."
  }
}

variable "rds_allocated_storage_gb" {
  description = "Initial gp3 storage of the RDS instance in GiB (storage autoscaling may grow it to four times this)."
  type        = number
  default     = 20

  validation {
    condition     = var.rds_allocated_storage_gb >= 20 && var.rds_allocated_storage_gb <= 16384 && floor(var.rds_allocated_storage_gb) == var.rds_allocated_storage_gb
    error_message = "rds_allocated_storage_gb must be a whole number of GiB from 20 (the gp3 minimum) to 16384."
  }
}

variable "rds_backup_retention_days" {
  description = "Days RDS keeps automated backups (point-in-time recovery window)."
  type        = number
  default     = 7

  validation {
    condition     = var.rds_backup_retention_days >= 1 && var.rds_backup_retention_days <= 35 && floor(var.rds_backup_retention_days) == var.rds_backup_retention_days
    error_message = "rds_backup_retention_days must be a whole number from 1 to 35 (0 would turn automated backups off)."
  }
}

variable "rds_deletion_protection" {
  description = "Refuse to delete the RDS instance (turn off, apply, then destroy). A final snapshot is taken on deletion either way."
  type        = bool
  default     = true
}
