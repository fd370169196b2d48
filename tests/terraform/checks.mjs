// The deployment's invariants, one function each, asserted on a configuration loaded by tf.mjs.
// terraform.test.mjs runs them on infra/terraform; mutations.test.mjs breaks a copy of it and
// expects the matching check to fail, so none of them can pass vacuously.

import assert from "node:assert/strict";
import {
  DataSource,
  Instances,
  Local,
  PolicyDocumentName,
  PolicyStatements,
  ReferenceOf,
  Resolve,
  ResourceReference,
  Resources,
  Variable,
  WithEachKey,
} from "./tf.mjs";

export const kHandlers = [
  "cleanup",
  "fetch_chlorophyll",
  "fetch_copernicus",
  "fetch_ndbc",
  "fetch_noaa",
];
const kFetchSchedule = "cron(0 */6 * * ? *)";
const kDailyCron = /^cron\(([0-9]|[1-5][0-9]) ([0-9]|1[0-9]|2[0-3]) \* \* \? \*\)$/;
const kWorld = new Set(["0.0.0.0/0", "::/0"]);
const kRequiredFiles = [
  "backend.tf",
  "dns.tf",
  "ec2.tf",
  "lambda.tf",
  "main.tf",
  "monitoring.tf",
  "outputs.tf",
  "rds-alternative.tf",
  "secrets.tf",
  "variables.tf",
];
// Session Manager's actions have no resource-level permissions (AWS documents "*" for them).
const kSessionManagerActions = new Set([
  "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
]);

// handler -> {resource, instance} for every instance of `type` whose handler/for_each key is a
// handler name.
function InstancesByKey(config, type) {
  const found = new Map();
  for (const resource of Resources(config, type)) {
    for (const instance of Instances(config, resource.body)) {
      const key = instance.key ?? Resolve(config, resource.body.handler);
      if (typeof key !== "string") continue;
      assert.ok(!found.has(key), `${type}: two instances for ${key}`);
      found.set(key, { resource, instance });
    }
  }
  return found;
}

function Ref(resource, key, attribute) {
  const index = key === null ? "" : `["${key}"]`;
  return `\${${resource.type}.${resource.name}${index}.${attribute}}`;
}

// The Lambda function of each handler, keyed by handler.
function LambdaFunctions(config) {
  const functions = InstancesByKey(config, "aws_lambda_function");
  assert.deepEqual([...functions.keys()].sort(), kHandlers, "one Lambda function per handler");
  return functions;
}

export function CheckFilesPresent(config) {
  for (const file of kRequiredFiles) {
    assert.ok(config.files.includes(file), `infra/terraform/${file} is missing`);
  }
}

export function CheckLambdaFunctions(config) {
  const zipPath = String(Local(config, "lambda_zip_path"));
  assert.match(zipPath, /dist\/oceandash-lambda\.zip/, "the package is dist/oceandash-lambda.zip");
  for (const [handler, { instance }] of LambdaFunctions(config)) {
    const body = instance.body;
    const each = instance;
    assert.equal(Resolve(config, body.handler, each), handler, `${handler}: handler`);
    assert.equal(Resolve(config, body.runtime, each), "provided.al2023", `${handler}: runtime`);
    assert.equal(Resolve(config, body.memory_size, each), 128, `${handler}: memory_size`);
    assert.equal(body.filename, "${local.lambda_zip_path}", `${handler}: filename is the zip`);
    const hash = ReferenceOf(body.source_code_hash);
    assert.ok(hash, `${handler}: source_code_hash must be set from the zip`);
    assert.match(String(Resolve(config, body.source_code_hash)), /filebase64sha256\(local\.lambda_zip_path\)/,
      `${handler}: source_code_hash hashes the zip`);
    const timeout = ReferenceOf(body.timeout);
    assert.ok(timeout?.startsWith("var."), `${handler}: timeout comes from a variable`);
    const seconds = Resolve(config, body.timeout);
    assert.ok(seconds >= 1 && seconds <= 900, `${handler}: timeout default within Lambda's limit`);
    const environment = body.environment?.[0]?.variables ?? {};
    assert.ok(environment.API_URL, `${handler}: API_URL`);
    assert.ok(environment.BACKEND_SECRET, `${handler}: BACKEND_SECRET`);
  }
}

export function CheckSchedules(config) {
  const functions = LambdaFunctions(config);
  const rules = InstancesByKey(config, "aws_cloudwatch_event_rule");
  const targets = InstancesByKey(config, "aws_cloudwatch_event_target");
  const permissions = InstancesByKey(config, "aws_lambda_permission");
  for (const handler of kHandlers) {
    const fn = functions.get(handler);
    const rule = rules.get(handler);
    assert.ok(rule, `${handler}: no EventBridge rule`);
    const schedule = Resolve(config, rule.instance.body.schedule_expression, rule.instance);
    if (handler.startsWith("fetch_")) {
      assert.equal(schedule, kFetchSchedule, `${handler}: every 6 hours`);
    } else {
      assert.match(String(schedule), kDailyCron, `${handler}: daily`);
    }

    const target = targets.get(handler);
    assert.ok(target, `${handler}: no EventBridge target`);
    const ruleName = Ref(rule.resource, rule.instance.key, "name");
    assert.equal(WithEachKey(target.instance.body.rule, target.instance.key), ruleName,
      `${handler}: target on its own rule`);
    assert.equal(WithEachKey(target.instance.body.arn, target.instance.key),
      Ref(fn.resource, fn.instance.key, "arn"), `${handler}: target is its function`);

    const permission = permissions.get(handler);
    assert.ok(permission, `${handler}: no invoke permission`);
    const body = permission.instance.body;
    assert.equal(body.action, "lambda:InvokeFunction", `${handler}: permission action`);
    assert.equal(body.principal, "events.amazonaws.com", `${handler}: permission principal`);
    assert.equal(WithEachKey(body.function_name, permission.instance.key),
      Ref(fn.resource, fn.instance.key, "function_name"), `${handler}: permission on its function`);
    assert.equal(WithEachKey(body.source_arn, permission.instance.key),
      Ref(rule.resource, rule.instance.key, "arn"), `${handler}: permission for its rule only`);
  }
}

export function CheckLambdaLogRetention(config) {
  const groups = InstancesByKey(config, "aws_cloudwatch_log_group");
  for (const [handler, { instance }] of LambdaFunctions(config)) {
    const expectedName = `/aws/lambda/${instance.body.function_name}`;
    const group = groups.get(handler);
    assert.ok(group, `${handler}: no log group`);
    assert.equal(group.instance.body.name, expectedName, `${handler}: log group of the function`);
    assert.equal(Resolve(config, group.instance.body.retention_in_days), 7,
      `${handler}: log retention 7 days`);
  }
  for (const group of Resources(config, "aws_cloudwatch_log_group")) {
    assert.ok(group.body.retention_in_days !== undefined,
      `log group ${group.name} keeps logs forever`);
  }
}

// The cidrs one ingress rule instance opens, as literal strings or {variable}.
function RuleCidrs(config, instance) {
  const body = instance.body;
  const cidrs = [];
  for (const field of ["cidr_ipv4", "cidr_ipv6", "cidr_blocks", "ipv6_cidr_blocks"]) {
    if (body[field] === undefined || body[field] === null) continue;
    const values = Array.isArray(body[field]) ? body[field] : [body[field]];
    for (const raw of values) {
      const value = Resolve(config, raw, instance);
      if (value === null) continue;
      if (typeof value === "string" && !value.includes("${")) {
        cidrs.push(value);
        continue;
      }
      const fromVariable = /var\.([\w-]+)/.exec(instance.symbolicForEach ?? "");
      if (String(value).includes("each.value") && fromVariable) {
        cidrs.push({ variable: fromVariable[1] });
        continue;
      }
      const direct = /^\$\{var\.([\w-]+)\}$/.exec(String(value));
      if (direct) {
        cidrs.push({ variable: direct[1] });
        continue;
      }
      throw new Error(`cannot tell which addresses ${field} = ${raw} opens`);
    }
  }
  return cidrs;
}

function OpensPort(config, instance, port) {
  const body = instance.body;
  const protocol = String(Resolve(config, body.ip_protocol ?? body.protocol, instance));
  if (protocol === "-1" || protocol === "all") return true;
  const from = Number(Resolve(config, body.from_port, instance));
  const to = Number(Resolve(config, body.to_port, instance));
  if (Number.isNaN(from) || Number.isNaN(to)) {
    throw new Error(`cannot tell which ports ${body.from_port}-${body.to_port} are`);
  }
  return from <= port && port <= to;
}

function IngressInstances(config) {
  const all = [];
  for (const rule of Resources(config, "aws_vpc_security_group_ingress_rule")) {
    all.push(...Instances(config, rule.body).map((instance) => ({ rule: rule.name, instance })));
  }
  for (const rule of Resources(config, "aws_security_group_rule")) {
    if (rule.body.type !== "ingress") continue;
    all.push(...Instances(config, rule.body).map((instance) => ({ rule: rule.name, instance })));
  }
  for (const group of Resources(config, "aws_security_group")) {
    for (const ingress of group.body.ingress ?? []) {
      all.push({ rule: `${group.name} inline`, instance: { key: null, body: ingress } });
    }
  }
  return all;
}

// A variable that feeds SSH cidrs must have no default and refuse the whole internet.
function CheckSshVariable(config, name) {
  const variable = Variable(config, name);
  assert.ok(!Object.hasOwn(variable, "default"), `variable ${name} must have no default`);
  const conditions = (variable.validation ?? []).map((v) => String(v.condition)).join("\n");
  assert.ok(conditions.includes('"0.0.0.0/0"') && conditions.includes('"::/0"'),
    `variable ${name} must refuse 0.0.0.0/0 and ::/0 in a validation`);
}

export function CheckNoWorldSsh(config) {
  let web = new Set();
  for (const { rule, instance } of IngressInstances(config)) {
    const cidrs = RuleCidrs(config, instance);
    if (OpensPort(config, instance, 22)) {
      for (const cidr of cidrs) {
        if (typeof cidr === "string") {
          assert.ok(!kWorld.has(cidr), `${rule}[${instance.key}] opens port 22 to ${cidr}`);
        } else {
          CheckSshVariable(config, cidr.variable);
        }
      }
    }
    for (const port of [80, 443]) {
      if (!OpensPort(config, instance, port)) continue;
      for (const cidr of cidrs) if (kWorld.has(cidr)) web.add(`${port} ${cidr}`);
    }
  }
  assert.deepEqual([...web].sort(), ["443 0.0.0.0/0", "443 ::/0", "80 0.0.0.0/0", "80 ::/0"],
    "80 and 443 open to everyone, over IPv4 and IPv6");
}

export function CheckInstanceHardening(config) {
  const instances = Resources(config, "aws_instance");
  assert.ok(instances.length > 0, "no aws_instance");
  for (const { name, body } of instances) {
    const metadata = body.metadata_options?.[0] ?? {};
    assert.equal(metadata.http_tokens, "required", `aws_instance.${name}: IMDSv2 required`);
    assert.notEqual(metadata.http_endpoint, "disabled", `aws_instance.${name}: IMDS reachable`);
    const root = body.root_block_device?.[0] ?? {};
    assert.equal(root.encrypted, true, `aws_instance.${name}: root volume encrypted`);
    for (const volume of body.ebs_block_device ?? []) {
      assert.equal(volume.encrypted, true, `aws_instance.${name}: every EBS volume encrypted`);
    }
    assert.equal(Resolve(config, body.instance_type), "t3.small", "default instance type");
  }
  for (const { name, body } of Resources(config, "aws_ebs_volume")) {
    assert.equal(body.encrypted, true, `aws_ebs_volume.${name}: encrypted`);
  }
}

export function CheckUserData(config) {
  const [host] = Resources(config, "aws_instance");
  const source = host.body.user_data_base64 ?? host.body.user_data;
  const match = /^\$\{data\.cloudinit_config\.([\w-]+)\.rendered\}$/.exec(String(source));
  assert.ok(match, "user data is a cloudinit_config");
  const parts = DataSource(config, "cloudinit_config", match[1]).part;
  const script = parts.find((part) => part.content_type === "text/x-shellscript");
  assert.ok(script, "user data has a shell script part");
  assert.match(String(script.content), /\.\.\/docker\/entrypoint\.sh/,
    "the script part carries infra/docker/entrypoint.sh");
}

export function CheckVariables(config) {
  const names = Object.keys(config.variable);
  assert.ok(names.length > 0, "no variables");
  for (const name of names) {
    const variable = Variable(config, name);
    assert.ok(typeof variable.description === "string" && variable.description.length >= 10,
      `variable ${name} has no description`);
    assert.ok(variable.type, `variable ${name} has no type`);
    // Booleans need no validation; every string, number or list is constrained somehow.
    if (variable.type !== "${bool}") {
      assert.ok((variable.validation ?? []).length > 0, `variable ${name} has no validation`);
      for (const validation of variable.validation) {
        assert.ok(validation.error_message, `variable ${name}: validation without a message`);
      }
    }
  }
}

export function CheckProvidersPinned(config) {
  const terraform = config.terraform.flat();
  const required = terraform.flatMap((block) => block.required_providers ?? []);
  assert.ok(required.length > 0, "no required_providers");
  const versionLimit = terraform.map((block) => block.required_version).find(Boolean);
  assert.match(String(versionLimit), /</, "required_version has an upper bound");
  const providers = Object.assign({}, ...required);
  assert.ok(providers.aws, "the aws provider is required");
  assert.match(String(providers.aws.version), /^~>\s*5\.\d+$/, "aws provider pinned to ~> 5.x");
  for (const [name, provider] of Object.entries(providers)) {
    assert.match(String(provider.source), /^hashicorp\//, `${name}: source`);
    assert.match(String(provider.version), /^(~>\s*\d+\.\d+(\.\d+)?|=?\s*\d+\.\d+\.\d+)$/,
      `${name}: version pinned (~> or exact), got ${provider.version}`);
  }
}

// The statements of every policy that the role referenced by `roleRef` holds.
function RoleStatements(config, roleRef) {
  const role = ResourceReference(roleRef);
  assert.ok(role?.type === "aws_iam_role", `not a role reference: ${roleRef}`);
  for (const attachment of Resources(config, "aws_iam_role_policy_attachment")) {
    assert.ok(ResourceReference(attachment.body.role)?.name !== role.name,
      `aws_iam_role.${role.name} gets a managed policy (${attachment.body.policy_arn})`);
  }
  assert.equal((config.resource.aws_iam_role?.[role.name]?.[0] ?? {}).managed_policy_arns,
    undefined, `aws_iam_role.${role.name} has managed policies`);
  const statements = [];
  for (const policy of Resources(config, "aws_iam_role_policy")) {
    if (ResourceReference(policy.body.role)?.name !== role.name) continue;
    const documentName = PolicyDocumentName(policy.body.policy);
    assert.ok(documentName, `aws_iam_role_policy.${policy.name} is not a policy document`);
    statements.push(...PolicyStatements(DataSource(config, "aws_iam_policy_document", documentName)));
  }
  assert.ok(statements.length > 0, `aws_iam_role.${role.name} has no policy`);
  for (const statement of statements) {
    assert.notEqual(statement.effect, "Deny", "only Allow statements are expected");
    assert.equal(statement.not_actions, undefined, "no not_actions");
    assert.equal(statement.not_resources, undefined, "no not_resources");
    for (const action of statement.actions ?? []) {
      assert.ok(!action.includes("*"), `wildcard action ${action}`);
    }
  }
  return statements;
}

// A resource ARN that belongs to this configuration: an attribute of a resource it declares.
function IsOwnResource(config, arn) {
  const target = ResourceReference(arn);
  return target !== null && config.resource[target.type]?.[target.name] !== undefined;
}

export function CheckLambdaRolePolicy(config) {
  const functions = LambdaFunctions(config);
  const roles = new Set([...functions.values()].map(({ instance }) => instance.body.role));
  assert.equal(roles.size, 1, "every function has the same role");
  const [roleRef] = roles;
  const secretRefs = new Set(
    [...functions.values()].map(({ instance }) => instance.body.environment[0].variables.BACKEND_SECRET),
  );
  assert.equal(secretRefs.size, 1, "every function reads the same secret");
  const [secretArn] = secretRefs;
  const secret = ResourceReference(secretArn);
  assert.equal(secret?.type, "aws_secretsmanager_secret", "BACKEND_SECRET is a secret's ARN");
  assert.match(String(config.resource.aws_secretsmanager_secret[secret.name][0].name), /api-key/,
    "BACKEND_SECRET is the API-key secret");
  let reads = 0;
  for (const statement of RoleStatements(config, roleRef)) {
    const actions = statement.actions ?? [];
    if (actions.some((action) => action.startsWith("secretsmanager:"))) {
      assert.deepEqual(actions, ["secretsmanager:GetSecretValue"], "only GetSecretValue");
      assert.deepEqual(statement.resources, [secretArn], "GetSecretValue only on the API key");
      reads += 1;
    }
    for (const resource of statement.resources) {
      assert.ok(!resource.startsWith("*") && !/^arn:[^$]*\*/.test(resource),
        `Lambda role statement on ${resource}`);
      if (actions.some((action) => action.startsWith("logs:"))) {
        assert.match(resource, /aws_cloudwatch_log_group\.[\w-]+/, "logs only to its log groups");
      }
    }
  }
  assert.equal(reads, 1, "the Lambda role reads the API key");
}

export function CheckInstanceProfilePolicy(config) {
  const [host] = Resources(config, "aws_instance");
  const profile = ResourceReference(host.body.iam_instance_profile);
  assert.equal(profile?.type, "aws_iam_instance_profile", "the host has an instance profile");
  const profileBody = config.resource.aws_iam_instance_profile[profile.name][0];
  const roleRef = String(profileBody.role).replace(/\.name\}$/, ".arn}");
  const backupArn = String(Local(config, "backup_object_arn"));
  assert.match(backupArn, /backup_bucket/, "backups go to the configured bucket");
  assert.match(backupArn, /backup_prefix/, "backups go under the configured prefix");
  const secrets = new Set();
  for (const statement of RoleStatements(config, roleRef)) {
    const actions = statement.actions ?? [];
    for (const resource of statement.resources ?? []) {
      if (resource === "*") {
        assert.ok(statement.dynamic, "a '*' statement must be optional (a dynamic block)");
        assert.ok(actions.every((action) => kSessionManagerActions.has(action)),
          `"*" is allowed for Session Manager's actions only, got ${actions}`);
        continue;
      }
      if (resource === "${local.backup_object_arn}") {
        assert.ok(statement.dynamic, "the backup statement exists only when backups are set");
        assert.ok(actions.every((action) => ["s3:PutObject", "s3:AbortMultipartUpload"].includes(action)),
          `backups: put only, got ${actions}`);
        continue;
      }
      assert.ok(IsOwnResource(config, resource), `host role statement on a foreign resource ${resource}`);
      const target = ResourceReference(resource);
      if (target.type === "aws_secretsmanager_secret") secrets.add(target.name);
      if (actions.some((action) => action.startsWith("logs:"))) {
        assert.equal(target.type, "aws_cloudwatch_log_group", "logs only to its own log groups");
      }
    }
  }
  assert.ok(secrets.size >= 1, "the host reads its secrets");
}

export function CheckRds(config) {
  const databases = Resources(config, "aws_db_instance");
  assert.ok(databases.length > 0, "no aws_db_instance");
  const useRds = Variable(config, "use_rds");
  assert.equal(useRds.default, false, "RDS is off by default");
  for (const { name, body } of databases) {
    assert.match(String(body.count), /var\.use_rds/, `aws_db_instance.${name}: behind use_rds`);
    assert.equal(body.publicly_accessible, false, `aws_db_instance.${name}: not public`);
    assert.equal(body.storage_encrypted, true, `aws_db_instance.${name}: encrypted`);
    assert.ok(Resolve(config, body.backup_retention_period) >= 1,
      `aws_db_instance.${name}: automated backups`);
    assert.equal(body.engine, "postgres", `aws_db_instance.${name}: PostgreSQL`);
    // Reachable from the host's security group only.
    for (const groupRef of body.vpc_security_group_ids ?? []) {
      const group = ResourceReference(groupRef);
      let rules = 0;
      for (const rule of Resources(config, "aws_vpc_security_group_ingress_rule")) {
        if (ResourceReference(rule.body.security_group_id)?.name !== group.name) continue;
        rules += 1;
        assert.equal(rule.body.cidr_ipv4, undefined, `${rule.name}: no address range`);
        assert.equal(rule.body.cidr_ipv6, undefined, `${rule.name}: no address range`);
        assert.equal(String(rule.body.referenced_security_group_id),
          "${aws_security_group.host.id}", `${rule.name}: from the host's group`);
      }
      const inline = config.resource.aws_security_group[group.name][0].ingress ?? [];
      assert.equal(inline.length, 0, "no inline ingress on the database group");
      assert.ok(rules > 0, "the database accepts the host");
    }
  }
}

export function CheckBudget(config) {
  const budgets = Resources(config, "aws_budgets_budget");
  assert.equal(budgets.length, 1, "one budget");
  const { body } = budgets[0];
  assert.equal(body.budget_type, "COST");
  assert.equal(body.time_unit, "MONTHLY");
  assert.equal(body.limit_unit, "USD");
  const amount = /var\.([\w-]+)/.exec(String(body.limit_amount));
  assert.ok(amount, "the limit comes from a variable");
  assert.equal(Variable(config, amount[1]).default, 25, "the budget defaults to $25");
  assert.ok((body.notification ?? []).length > 0, "the budget notifies");
}

export function CheckAlarms(config) {
  const alarms = Resources(config, "aws_cloudwatch_metric_alarm");
  const instancesOf = (predicate) =>
    alarms.flatMap((alarm) => Instances(config, alarm.body)).filter(({ body }) => predicate(body));
  const errors = instancesOf((b) => b.namespace === "AWS/Lambda" && b.metric_name === "Errors");
  assert.deepEqual(errors.map((i) => i.key).sort(), kHandlers, "an Errors alarm per function");
  const cpu = instancesOf((b) => b.metric_name === "CPUUtilization");
  assert.equal(cpu.length, 1, "a CPU alarm");
  assert.equal(Resolve(config, cpu[0].body.threshold), 70, "CPU alarm at 70 %");
  assert.equal(cpu[0].body.comparison_operator, "GreaterThanThreshold");
  assert.equal(instancesOf((b) => String(b.metric_name).startsWith("StatusCheckFailed")).length, 1,
    "a status check alarm");
  const stale = instancesOf((b) => (b.metric_query ?? []).some((q) => q.metric?.[0]?.metric_name === "Invocations"));
  assert.deepEqual(stale.map((i) => i.key).sort(), kHandlers.filter((h) => h.startsWith("fetch_")),
    "a no-successful-fetch alarm per fetch function");
  for (const { body } of stale) {
    assert.equal(body.treat_missing_data, "breaching", "no invocation at all must alarm");
    for (const query of body.metric_query) {
      if (!query.metric) continue;
      const period = query.metric[0].period;
      const hours = /var\.([\w-]+)\s*\*\s*3600/.exec(String(period));
      assert.ok(hours, "the period is the staleness variable in hours");
      assert.equal(Variable(config, hours[1]).default * 3600, 12 * 3600, "12 hours");
    }
  }
  for (const alarm of alarms) {
    assert.ok(alarm.body.alarm_actions, `alarm ${alarm.name} notifies nobody`);
  }
  const subscriptions = Resources(config, "aws_sns_topic_subscription");
  assert.ok(subscriptions.some(({ body }) => body.protocol === "email" && /var\./.test(body.count)),
    "an optional e-mail subscription");
}

export const kChecks = {
  CheckFilesPresent,
  CheckLambdaFunctions,
  CheckSchedules,
  CheckLambdaLogRetention,
  CheckNoWorldSsh,
  CheckInstanceHardening,
  CheckUserData,
  CheckVariables,
  CheckProvidersPinned,
  CheckLambdaRolePolicy,
  CheckInstanceProfilePolicy,
  CheckRds,
  CheckBudget,
  CheckAlarms,
};
