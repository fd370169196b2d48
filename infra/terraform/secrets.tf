# The two secrets of the original design, generated here so that one apply yields a working
# deployment. The host reads both at boot (entrypoint.sh) into root-only files; the Lambda
# functions read only the API key. Both values are also in the Terraform state (see backend.tf).

resource "random_password" "db" {
  length = 32
  # Letters and digits only: the password goes into a postgresql:// URL unescaped.
  special = false
}

resource "random_password" "api_key" {
  # The backend refuses keys shorter than 16 characters.
  length  = 48
  special = false
}

resource "aws_secretsmanager_secret" "db_password" {
  name                    = "${var.app_name}/db-password"
  description             = "PostgreSQL credentials of ${var.app_name} (JSON: username, password, host, port, dbname, url)"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "db_password" {
  secret_id = aws_secretsmanager_secret.db_password.id
  secret_string = jsonencode({
    username = local.db_username
    password = random_password.db.result
    host     = local.db_host
    port     = local.db_port
    dbname   = local.db_name
    # The whole DATABASE_URL, so the host never assembles one from parts.
    url = local.database_url
  })
}

resource "aws_secretsmanager_secret" "api_key" {
  name                    = "${var.app_name}/api-key"
  description             = "Bearer key of ${var.app_name}'s write endpoints (JSON: key), used by the backend and the Lambda functions"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "api_key" {
  secret_id     = aws_secretsmanager_secret.api_key.id
  secret_string = jsonencode({ key = random_password.api_key.result })
}

locals {
  # The names docker-compose.yml gives the postgres container (POSTGRES_USER, POSTGRES_DB), so
  # the secret describes the database the backend uses in either mode.
  db_username = "oceandash"
  db_name     = "oceandash"
  db_port     = 5432
  # The compose service name, or the RDS endpoint (rds-alternative.tf).
  db_host = var.use_rds ? aws_db_instance.postgres[0].address : "postgres"
  # RDS for PostgreSQL 15 and later requires TLS (rds.force_ssl = 1); the container is on the
  # compose network only.
  database_url = format("postgresql://%s:%s@%s:%d/%s%s", local.db_username, random_password.db.result,
  local.db_host, local.db_port, local.db_name, var.use_rds ? "?sslmode=require" : "")
}
