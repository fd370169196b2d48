# The host: one EC2 instance running the compose stack that infra/docker/entrypoint.sh sets up
# (Caddy with TLS on 80/443, backend, dashboard, PostgreSQL unless RDS is used, Redis, backups).

data "aws_vpc" "selected" {
  id      = var.vpc_id
  default = var.vpc_id == null ? true : null
}

data "aws_subnets" "vpc" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.selected.id]
  }
}

data "aws_subnets" "default_for_az" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.selected.id]
  }
  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}

locals {
  host_subnet_id = var.subnet_id != null ? var.subnet_id : try(sort(data.aws_subnets.default_for_az.ids)[0], null)
}

# Debian 12 (bookworm) as published by Debian's own cloud team account, newest build. The instance
# ignores later AMI releases (lifecycle below): it is patched in place by unattended upgrades,
# and replacing it is a deliberate step (infra/README.md, "Rollback and replacement").
data "aws_ami" "debian12" {
  most_recent = true
  owners      = ["136693071363"]

  filter {
    name   = "name"
    values = ["debian-12-amd64-*"]
  }
  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }
  filter {
    name   = "root-device-type"
    values = ["ebs"]
  }
}

data "aws_ec2_instance_type" "host" {
  instance_type = var.instance_type
}

resource "aws_security_group" "host" {
  name_prefix = "${var.app_name}-host-"
  description = "${var.app_name} host: HTTP and HTTPS from anywhere, SSH only from ssh_ingress_cidrs"
  vpc_id      = data.aws_vpc.selected.id

  lifecycle {
    create_before_destroy = true
  }
}

# Port 80 stays open for Let's Encrypt's HTTP-01 challenge and Caddy's redirect to HTTPS.
resource "aws_vpc_security_group_ingress_rule" "web" {
  for_each = {
    http_ipv4  = { port = 80, cidr_ipv4 = "0.0.0.0/0", cidr_ipv6 = null }
    http_ipv6  = { port = 80, cidr_ipv4 = null, cidr_ipv6 = "::/0" }
    https_ipv4 = { port = 443, cidr_ipv4 = "0.0.0.0/0", cidr_ipv6 = null }
    https_ipv6 = { port = 443, cidr_ipv4 = null, cidr_ipv6 = "::/0" }
  }

  security_group_id = aws_security_group.host.id
  description       = "${upper(split("_", each.key)[0])} from anywhere"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr_ipv4
  cidr_ipv6         = each.value.cidr_ipv6
}

# Only the operator's own addresses; the variable refuses /0 and has no default.
resource "aws_vpc_security_group_ingress_rule" "ssh" {
  for_each = toset(var.ssh_ingress_cidrs)

  security_group_id = aws_security_group.host.id
  description       = "SSH from an operator address"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = can(cidrnetmask(each.value)) ? each.value : null
  cidr_ipv6         = can(cidrnetmask(each.value)) ? null : each.value
}

# Outbound: the upstream APIs are not the host's business (the Lambda functions fetch), but the
# host pulls images and packages, talks to Secrets Manager, CloudWatch Logs, S3, Let's Encrypt.
resource "aws_vpc_security_group_egress_rule" "all" {
  for_each = { ipv4 = "0.0.0.0/0", ipv6 = "::/0" }

  security_group_id = aws_security_group.host.id
  description       = "All outbound (${each.key})"
  ip_protocol       = "-1"
  cidr_ipv4         = each.key == "ipv4" ? each.value : null
  cidr_ipv6         = each.key == "ipv6" ? each.value : null
}

# The containers' logs, through Docker's awslogs driver (AWSLOGS_GROUP).
resource "aws_cloudwatch_log_group" "host" {
  name              = "/${var.app_name}/host"
  retention_in_days = var.log_retention_days
}

resource "aws_iam_role" "host" {
  name               = "${var.app_name}-host"
  description        = "Instance role of the ${var.app_name} host"
  assume_role_policy = data.aws_iam_policy_document.assume_role["host"].json
}

# Everything the host may do, each statement on its own resources only.
data "aws_iam_policy_document" "host" {
  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.db_password.arn, aws_secretsmanager_secret.api_key.arn]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.host.arn}:*"]
  }

  # `aws s3 cp` of a dump: PutObject also covers the parts of a multipart upload.
  dynamic "statement" {
    for_each = local.backup_enabled ? [local.backup_object_arn] : []
    content {
      sid       = "PutBackups"
      actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
      resources = [statement.value]
    }
  }

  # The minimum AWS documents for Session Manager alone. These actions have no resource-level
  # permissions, hence "*"; they open shells only for principals that IAM lets call
  # ssm:StartSession on this instance.
  dynamic "statement" {
    for_each = var.enable_session_manager ? ["*"] : []
    content {
      sid = "SessionManager"
      actions = [
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "host" {
  name   = "${var.app_name}-host"
  role   = aws_iam_role.host.id
  policy = data.aws_iam_policy_document.host.json
}

resource "aws_iam_instance_profile" "host" {
  name = "${var.app_name}-host"
  role = aws_iam_role.host.name
}

locals {
  # The settings infra/docker/entrypoint.sh documents in its header, none of them secret: it
  # reads the secrets itself with the instance role. It refuses values with characters other
  # than letters, digits and ._:/@+=-, and so do the validations of the variables behind them.
  host_env = {
    AWS_REGION         = var.aws_region
    DOMAIN_NAME        = var.dashboard_domain_name
    API_DOMAIN_NAME    = var.api_domain_name
    ACME_EMAIL         = var.acme_email
    BACKEND_IMAGE      = var.backend_image
    FRONTEND_IMAGE     = var.frontend_image
    DB_SECRET_ID       = aws_secretsmanager_secret.db_password.arn
    API_KEY_SECRET_ID  = aws_secretsmanager_secret.api_key.arn
    AWSLOGS_GROUP      = aws_cloudwatch_log_group.host.name
    BACKUP_S3_URI      = var.backup_s3_uri
    # 1: the database is RDS (rds-alternative.tf); the entrypoint leaves out the postgres
    # container and takes DATABASE_URL from the database secret's "url".
    EXTERNAL_DATABASE = var.use_rds ? "1" : "0"
    # The Lambda functions run the fetches and the retention; the server must not run them too.
    OCEAN_NO_SCHEDULER = "1"
  }
  host_env_file = join("\n", [for key in sort(keys(local.host_env)) : "${key}=${local.host_env[key]}" if local.host_env[key] != null])
}

# Two parts: a cloud-config that makes cloud-init run the user script at every boot (AWS's
# documented way, so that changed user data takes effect after the stop/start that the provider
# does to change it), then the script that writes the settings and runs the entrypoint.
data "cloudinit_config" "host" {
  gzip          = true
  base64_encode = true

  part {
    content_type = "text/cloud-config"
    filename     = "every-boot.cfg"
    content = join("", ["#cloud-config\n", yamlencode({
      cloud_final_modules = [["scripts-user", "always"]]
    })])
  }

  part {
    content_type = "text/x-shellscript"
    filename     = "oceandash-user-data.sh"
    content = templatefile("${path.module}/templates/user-data.sh.tftpl", {
      env_file          = local.host_env_file
      entrypoint        = trimsuffix(file("${path.module}/../docker/entrypoint.sh"), "\n")
      install_ssm_agent = var.enable_session_manager
      aws_region        = var.aws_region
    })
  }
}

resource "aws_instance" "host" {
  ami                    = data.aws_ami.debian12.id
  instance_type          = var.instance_type
  subnet_id              = local.host_subnet_id
  vpc_security_group_ids = [aws_security_group.host.id]
  iam_instance_profile   = aws_iam_instance_profile.host.name
  key_name               = var.ssh_key_name

  user_data_base64            = data.cloudinit_config.host.rendered
  user_data_replace_on_change = false

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
    # 2, not 1: the backup container reaches the instance role through the Docker bridge, one
    # hop more than the host itself.
    http_put_response_hop_limit = 2
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_size_gb
    encrypted             = true
    delete_on_termination = true
  }

  dynamic "credit_specification" {
    for_each = startswith(var.instance_type, "t") ? [var.cpu_credits] : []
    content {
      cpu_credits = credit_specification.value
    }
  }

  tags = {
    Name = "${var.app_name}-host"
  }

  lifecycle {
    # A newer Debian image must not replace the host (and its PostgreSQL volume) on apply.
    ignore_changes = [ami]

    precondition {
      condition     = contains(data.aws_ec2_instance_type.host.supported_architectures, "x86_64")
      error_message = "instance_type ${var.instance_type} is not x86_64; the host's images are built for x86_64."
    }
    precondition {
      condition     = local.host_subnet_id != null
      error_message = "No subnet for the host: the VPC has no default-for-AZ subnet, so set subnet_id to a public subnet."
    }
    precondition {
      condition     = length(var.ssh_ingress_cidrs) == 0 || var.ssh_key_name != null
      error_message = "ssh_ingress_cidrs opens SSH but ssh_key_name is null: give a key pair, or set ssh_ingress_cidrs = [] and use Session Manager."
    }
  }

  # The entrypoint reads both secrets at boot.
  depends_on = [
    aws_iam_role_policy.host,
    aws_secretsmanager_secret_version.db_password,
    aws_secretsmanager_secret_version.api_key,
  ]
}

# A fixed address for the DNS records: the public IP of a stopped and started instance changes.
resource "aws_eip" "host" {
  domain   = "vpc"
  instance = aws_instance.host.id

  tags = {
    Name = "${var.app_name}-host"
  }
}
