// Each check of checks.mjs must fail when the .tf it guards is broken. Every case below edits one
// file of infra/terraform in memory (the text to replace must occur exactly once, so a case that
// no longer matches the files fails instead of passing vacuously), loads the result and expects
// the named check to throw, and the unedited configuration to pass it.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { kChecks } from "./checks.mjs";
import { kDefaultDir, LoadConfig } from "./tf.mjs";

const dir = process.env.TF_DIR || kDefaultDir;

const kMutations = [
  ["CheckFilesPresent", "a required file is missing", null, null, null, { drop: "dns.tf" }],
  ["CheckLambdaFunctions", "a handler is missing", "lambda.tf", "    fetch_ndbc = {", "    fetch_buoys = {"],
  ["CheckLambdaFunctions", "another runtime", "lambda.tf", '"provided.al2023"', '"provided.al2"'],
  ["CheckLambdaFunctions", "256 MB", "lambda.tf", "memory_size   = 128", "memory_size   = 256"],
  ["CheckLambdaFunctions", "not the zip", "lambda.tf", "filename         = local.lambda_zip_path", 'filename         = "other.zip"'],
  ["CheckLambdaFunctions", "no source hash", "lambda.tf", "  source_code_hash = local.lambda_zip_hash\n", ""],
  ["CheckLambdaFunctions", "fixed timeout", "lambda.tf", "timeout       = var.lambda_timeout_seconds", "timeout       = 60"],
  ["CheckSchedules", "cleanup has no permission", "lambda.tf",
    'resource "aws_lambda_permission" "schedule" {\n  for_each = local.lambda_handlers',
    'resource "aws_lambda_permission" "schedule" {\n  for_each = local.fetch_handlers'],
  ["CheckSchedules", "permission for another principal", "lambda.tf", 'principal     = "events.amazonaws.com"', 'principal     = "s3.amazonaws.com"'],
  ["CheckSchedules", "permission without the rule", "lambda.tf",
    "  source_arn    = aws_cloudwatch_event_rule.schedule[each.key].arn\n", ""],
  ["CheckSchedules", "target on the wrong function", "lambda.tf",
    "arn       = aws_lambda_function.handler[each.key].arn", 'arn       = aws_lambda_function.handler["cleanup"].arn'],
  ["CheckSchedules", "fetches every 12 hours", "variables.tf", 'default     = "cron(0 */6 * * ? *)"', 'default     = "cron(0 */12 * * ? *)"'],
  ["CheckSchedules", "cleanup not daily", "variables.tf", 'default     = "cron(17 3 * * ? *)"', 'default     = "cron(17 3 ? * SUN *)"'],
  ["CheckLambdaLogRetention", "14 days", "variables.tf",
    "type        = number\n  default     = 7\n\n  validation {\n    condition     = contains([1, 3",
    "type        = number\n  default     = 14\n\n  validation {\n    condition     = contains([1, 3"],
  ["CheckLambdaLogRetention", "group named after something else", "lambda.tf",
    'name              = "/aws/lambda/${local.lambda_function_names[each.key]}"',
    'name              = "/oceandash/${local.lambda_function_names[each.key]}"'],
  ["CheckNoWorldSsh", "SSH open to the world inline", "ec2.tf",
    '  vpc_id      = data.aws_vpc.selected.id\n\n  lifecycle {',
    '  vpc_id      = data.aws_vpc.selected.id\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n\n  lifecycle {'],
  ["CheckNoWorldSsh", "every port open over IPv6", "ec2.tf",
    'https_ipv6 = { port = 443, cidr_ipv4 = null, cidr_ipv6 = "::/0" }\n  }\n\n  security_group_id = aws_security_group.host.id\n  description       = "${upper(split("_", each.key)[0])} from anywhere"\n  ip_protocol       = "tcp"',
    'https_ipv6 = { port = 443, cidr_ipv4 = null, cidr_ipv6 = "::/0" }\n  }\n\n  security_group_id = aws_security_group.host.id\n  description       = "${upper(split("_", each.key)[0])} from anywhere"\n  ip_protocol       = "-1"'],
  ["CheckNoWorldSsh", "SSH variable with a default", "variables.tf",
    "  type        = list(string)\n\n  validation {\n    condition     = alltrue([for cidr in var.ssh_ingress_cidrs : can(cidrhost(cidr, 0))])",
    '  type        = list(string)\n  default     = ["0.0.0.0/0"]\n\n  validation {\n    condition     = alltrue([for cidr in var.ssh_ingress_cidrs : can(cidrhost(cidr, 0))])'],
  ["CheckNoWorldSsh", "SSH variable accepts ::/0", "variables.tf", '!contains(["0.0.0.0/0", "::/0"], cidr)', '!contains(["0.0.0.0/0"], cidr)'],
  ["CheckNoWorldSsh", "HTTPS closed", "ec2.tf", 'https_ipv4 = { port = 443, cidr_ipv4 = "0.0.0.0/0", cidr_ipv6 = null }\n', ""],
  ["CheckInstanceHardening", "IMDSv1 allowed", "ec2.tf", 'http_tokens   = "required"', 'http_tokens   = "optional"'],
  ["CheckInstanceHardening", "root volume in clear", "ec2.tf", "encrypted             = true", "encrypted             = false"],
  ["CheckInstanceHardening", "another default type", "variables.tf", 'default     = "t3.small"', 'default     = "t3.medium"'],
  ["CheckUserData", "user data without the entrypoint", "ec2.tf",
    'file("${path.module}/../docker/entrypoint.sh")', 'file("${path.module}/other.sh")'],
  ["CheckVariables", "a variable without description", "variables.tf",
    '  description = "Days RDS keeps automated backups (point-in-time recovery window)."\n', ""],
  ["CheckVariables", "a constrained variable without validation", "variables.tf",
    'validation {\n    condition     = var.monthly_budget_usd > 0\n    error_message = "monthly_budget_usd must be a positive amount of US dollars."\n  }', ""],
  ["CheckProvidersPinned", "aws unpinned", "main.tf", 'version = "~> 5.80"', 'version = ">= 5.0"'],
  ["CheckProvidersPinned", "random unpinned", "main.tf", '      version = "~> 3.6"\n', ""],
  ["CheckLambdaRolePolicy", "Lambda reads the database secret", "lambda.tf",
    "resources = [aws_secretsmanager_secret.api_key.arn]",
    "resources = [aws_secretsmanager_secret.api_key.arn, aws_secretsmanager_secret.db_password.arn]"],
  ["CheckLambdaRolePolicy", "Lambda reads every secret", "lambda.tf",
    'actions   = ["secretsmanager:GetSecretValue"]', 'actions   = ["secretsmanager:*"]'],
  ["CheckLambdaRolePolicy", "Lambda gets a managed policy", "lambda.tf", "resource \"aws_lambda_function\" \"handler\" {",
    'resource "aws_iam_role_policy_attachment" "lambda_basic" {\n  role       = aws_iam_role.lambda.name\n  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"\n}\n\nresource "aws_lambda_function" "handler" {'],
  ["CheckInstanceProfilePolicy", "host reads any secret", "ec2.tf",
    "resources = [aws_secretsmanager_secret.db_password.arn, aws_secretsmanager_secret.api_key.arn]",
    'resources = ["*"]'],
  ["CheckInstanceProfilePolicy", "host writes any log group", "ec2.tf",
    'resources = ["${aws_cloudwatch_log_group.host.arn}:*"]', 'resources = ["arn:aws:logs:*:*:*"]'],
  ["CheckInstanceProfilePolicy", "host puts anywhere in the bucket", "main.tf",
    'join("/", compact(["arn:${local.partition}:s3:::${local.backup_bucket}", local.backup_prefix, "*"]))',
    '"arn:${local.partition}:s3:::${local.backup_bucket}/*"'],
  ["CheckInstanceProfilePolicy", "host deletes backups", "ec2.tf",
    'actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]', 'actions   = ["s3:PutObject", "s3:DeleteObject"]'],
  ["CheckInstanceProfilePolicy", "host gets the SSM managed policy", "ec2.tf", 'resource "aws_iam_instance_profile" "host" {',
    'resource "aws_iam_role_policy_attachment" "ssm" {\n  role       = aws_iam_role.host.name\n  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"\n}\n\nresource "aws_iam_instance_profile" "host" {'],
  ["CheckRds", "RDS public", "rds-alternative.tf", "publicly_accessible    = false", "publicly_accessible    = true"],
  ["CheckRds", "RDS in clear", "rds-alternative.tf", "storage_encrypted     = true", "storage_encrypted     = false"],
  ["CheckRds", "RDS open to the VPC", "rds-alternative.tf",
    "referenced_security_group_id = aws_security_group.host.id", 'cidr_ipv4                    = "10.0.0.0/8"'],
  ["CheckRds", "RDS on by default", "variables.tf",
    'instead of the postgres container (rds-alternative.tf): encrypted, automated backups, reachable only from the host."\n  type        = bool\n  default     = false',
    'instead of the postgres container (rds-alternative.tf): encrypted, automated backups, reachable only from the host."\n  type        = bool\n  default     = true'],
  ["CheckBudget", "$50", "variables.tf", "type        = number\n  default     = 25\n", "type        = number\n  default     = 50\n"],
  ["CheckAlarms", "CPU at 80 %", "variables.tf", "type        = number\n  default     = 70\n", "type        = number\n  default     = 80\n"],
  ["CheckAlarms", "a function that never runs does not alarm", "monitoring.tf",
    'treat_missing_data  = "breaching"', 'treat_missing_data  = "notBreaching"'],
  ["CheckAlarms", "no status check alarm", "monitoring.tf", 'metric_name         = "StatusCheckFailed"', 'metric_name         = "NetworkIn"'],
];

async function Mutated(file, from, to) {
  const text = await readFile(path.join(dir, file), "utf8");
  const count = text.split(from).length - 1;
  assert.equal(count, 1, `the text to replace occurs ${count} times in ${file}: ${from}`);
  return { [file]: text.replace(from, () => to) };
}

const original = await LoadConfig(dir);

for (const [checkName, what, file, from, to, options] of kMutations) {
  test(`${checkName} fails when ${what}`, async () => {
    const check = kChecks[checkName];
    assert.ok(check, `no check ${checkName}`);
    check(original);
    let broken;
    if (options?.drop) {
      broken = await LoadConfig(dir);
      broken.files = broken.files.filter((name) => name !== options.drop);
    } else {
      broken = await LoadConfig(dir, await Mutated(file, from, to));
    }
    assert.throws(() => check(broken), (error) => {
      if (process.env.SHOW_MUTATION_ERRORS) console.log(`${what}: ${error.message.split("\n")[0]}`);
      return true;
    }, `${checkName} passed on a configuration where ${what}`);
  });
}

test("every check has a mutation that breaks it", () => {
  const covered = new Set(kMutations.map(([name]) => name));
  assert.deepEqual(Object.keys(kChecks).filter((name) => !covered.has(name)), []);
});
