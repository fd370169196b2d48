// The regular expressions in the variables' validations, run on values that must pass and values
// that must be refused (Terraform's RE2 and JavaScript agree on the classes used here). A pattern
// that refuses a real value would stop every plan; one that lets a bad value through would fail
// later, on the host (the entrypoint refuses characters outside letters, digits and ._:/@+=-).

import assert from "node:assert/strict";
import { test } from "node:test";
import { kDefaultDir, LoadConfig, Variable } from "./tf.mjs";

const config = await LoadConfig(process.env.TF_DIR || kDefaultDir);

const kExamples = {
  app_name: { good: ["ocean-dashboard", "od2"], bad: ["Ocean", "-od", "od-", "o--d", "o_d"] },
  environment: { good: ["production", "staging-2"], bad: ["Production", "2prod", ""] },
  aws_region: { good: ["eu-west-3", "us-east-1", "us-gov-west-1", "ap-southeast-2"], bad: ["EU-WEST-3", "eu-west", "euwest3"] },
  instance_type: { good: ["t3.small", "m7i-flex.large", "c6in.xlarge"], bad: ["t3", "t3 .small", "T3.small"] },
  vpc_id: { good: ["vpc-0123abcd", "vpc-0123456789abcdef0"], bad: ["vpc-xyz", "0123abcd"] },
  subnet_id: { good: ["subnet-0123abcd"], bad: ["subnet-", "sg-0123abcd"] },
  ssh_key_name: { good: ["ops-key", "my key"], bad: ["", "k\u00e9y"] },
  route53_zone_name: { good: ["kuroshio-lab.com", "example.org."], bad: ["Example.org", "-a.com", "localhost"] },
  dashboard_domain_name: { good: ["dashboard.kuroshio-lab.com"], bad: ["dashboard.kuroshio-lab.com.", "Dashboard.example.org", "dashboard"] },
  api_domain_name: { good: ["api.dashboard.kuroshio-lab.com"], bad: ["api..example.org", "api.example.org/"] },
  acme_email: { good: ["ops@kuroshio-lab.com", "a.b+c@mail.example.org"], bad: ["a b@x.org", "a'b@x.org", "a@b", "a!b@x.org"] },
  backend_image: {
    good: ["ghcr.io/kuroshio-lab/oceandash:0.1.0", "registry.example.org:5000/o/b@sha256:0123abcd", "oceandash/backend:Release-1"],
    bad: ["img:1$(id)", "img:'1'", "img 1", "img:1;reboot", "Img:1"],
  },
  frontend_image: { good: ["ghcr.io/kuroshio-lab/oceandash-web:0.1.0"], bad: ["web:`id`", ""] },
  backup_s3_uri: {
    good: ["s3://kuroshio-lab-backups/ocean-dashboard", "s3://bucket", "s3://my.bucket/a/b_c/"],
    bad: ["s3://Bucket/x", "https://bucket/x", "s3://bucket/pre fix", "s3://bucket/a*b", "s3://b/x"],
  },
  fetch_schedule_expression: {
    good: ["cron(0 */6 * * ? *)", "cron(15 0/6 * * ? *)", "rate(6 hours)", "rate(1 day)"],
    bad: ["cron(0 */6 * * ?)", "every 6 hours", "rate(0 hours)", "0 */6 * * *"],
  },
  cleanup_schedule_expression: { good: ["cron(17 3 * * ? *)"], bad: ["cron(17 3 * * *)"] },
  rds_instance_class: { good: ["db.t4g.micro", "db.m7g.large"], bad: ["t4g.micro", "db.t4g"] },
  rds_engine_version: { good: ["16", "15"], bad: ["16.3", "9", "postgres16"] },
};

// The patterns of `can(regex("...", var.NAME))` in a variable's validations (not the negated
// ones), as JavaScript regular expressions.
function Patterns(name) {
  const variable = Variable(config, name);
  const patterns = [];
  for (const validation of variable.validation ?? []) {
    const condition = String(validation.condition);
    const call = new RegExp(`(!?)can\\(regex\\("((?:[^"\\\\]|\\\\.)*)",\\s*var\\.${name}\\)\\)`, "g");
    for (const [, negated, literal] of condition.matchAll(call)) {
      assert.equal(negated, "", `${name}: negated patterns are not expected`);
      // The HCL string literal's escapes (\\ and \") give the pattern.
      patterns.push(new RegExp(literal.replace(/\\(["\\])/g, "$1")));
    }
  }
  return patterns;
}

for (const [name, { good, bad }] of Object.entries(kExamples)) {
  test(`validation of ${name}`, () => {
    const patterns = Patterns(name);
    assert.ok(patterns.length > 0, `${name} has no regex validation`);
    for (const value of good) {
      assert.ok(patterns.every((p) => p.test(value)), `${name} refuses the good value ${JSON.stringify(value)}`);
    }
    for (const value of bad) {
      assert.ok(!patterns.every((p) => p.test(value)), `${name} accepts the bad value ${JSON.stringify(value)}`);
    }
  });
}

// entrypoint.sh refuses a setting with any other character, so the validations must refuse it
// first, at plan time: each character outside the set, put into a good value, is refused.
test("values that reach the host stay within the entrypoint's characters", () => {
  const outside = [..." !\"#$%&'()*,;<>?[\\]^`{|}~\t\u00e9"];
  for (const name of ["dashboard_domain_name", "api_domain_name", "acme_email", "backend_image", "frontend_image", "backup_s3_uri"]) {
    const patterns = Patterns(name);
    const value = kExamples[name].good[0];
    for (const character of outside) {
      const spoiled = value.slice(0, -1) + character + value.slice(-1);
      assert.ok(!patterns.every((p) => p.test(spoiled)), `${name} accepts ${JSON.stringify(spoiled)}`);
    }
  }
});
