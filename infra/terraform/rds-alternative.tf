# PostgreSQL on RDS instead of the postgres container, when use_rds = true: encrypted storage,
# automated backups with point-in-time recovery, not publicly accessible, reachable on 5432 only
# from the host's security group. The host then runs no postgres container (EXTERNAL_DATABASE=1
# in its settings) and takes DATABASE_URL from the database secret, which points at this
# instance with sslmode=require (secrets.tf).

resource "aws_db_subnet_group" "postgres" {
  count = var.use_rds ? 1 : 0

  name        = "${var.app_name}-db"
  description = "Subnets of the ${var.app_name} database"
  # Every subnet of the VPC: RDS wants at least two availability zones even for one instance.
  subnet_ids = data.aws_subnets.vpc.ids
}

resource "aws_security_group" "postgres" {
  count = var.use_rds ? 1 : 0

  name_prefix = "${var.app_name}-db-"
  description = "${var.app_name} database: PostgreSQL from the host only"
  vpc_id      = data.aws_vpc.selected.id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "postgres_from_host" {
  count = var.use_rds ? 1 : 0

  security_group_id            = aws_security_group.postgres[0].id
  description                  = "PostgreSQL from the ${var.app_name} host"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.host.id
}

resource "aws_db_instance" "postgres" {
  count = var.use_rds ? 1 : 0

  identifier     = "${var.app_name}-db"
  engine         = "postgres"
  engine_version = var.rds_engine_version
  instance_class = var.rds_instance_class

  db_name  = local.db_name
  username = local.db_username
  password = random_password.db.result
  port     = local.db_port

  allocated_storage     = var.rds_allocated_storage_gb
  max_allocated_storage = var.rds_allocated_storage_gb * 4
  storage_type          = "gp3"
  storage_encrypted     = true

  db_subnet_group_name   = aws_db_subnet_group.postgres[0].name
  vpc_security_group_ids = [aws_security_group.postgres[0].id]
  publicly_accessible    = false
  multi_az               = false

  backup_retention_period  = var.rds_backup_retention_days
  backup_window            = "02:00-02:30"
  maintenance_window       = "sun:04:00-sun:04:30"
  copy_tags_to_snapshot    = true
  delete_automated_backups = false

  auto_minor_version_upgrade = true
  # A major upgrade is a deliberate change of rds_engine_version plus this flag, not a surprise.
  allow_major_version_upgrade = false
  apply_immediately           = false

  deletion_protection       = var.rds_deletion_protection
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.app_name}-db-final"

  lifecycle {
    precondition {
      condition     = length(data.aws_subnets.vpc.ids) >= 2
      error_message = "RDS needs subnets in at least two availability zones; the VPC has fewer than two subnets."
    }
  }
}
