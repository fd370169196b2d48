// The EC2 user data template (infra/terraform/templates/user-data.sh.tftpl): every interpolation
// it uses is passed by ec2.tf's templatefile call and every value passed is used; rendered with
// the real infra/docker/entrypoint.sh it is valid bash with and without the SSM agent part,
// carries the entrypoint byte for byte, and fits EC2's 16 KB user data limit once gzipped.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { DataSource, kDefaultDir, LoadConfig, Local, Resources } from "./tf.mjs";

const dir = process.env.TF_DIR || kDefaultDir;
const config = await LoadConfig(dir);
const kEntrypoint = path.join(dir, "../docker/entrypoint.sh");
// EC2 takes at most 16 KB of user data (after base64 decoding, so gzip counts); the MIME
// envelope and the cloud-config part of cloudinit_config need well under 1 KB of it.
const kUserDataBudget = 15 * 1024;

// The templatefile call of the host's shell script part: its path and the names it passes.
function TemplateCall() {
  const [host] = Resources(config, "aws_instance");
  const name = /cloudinit_config\.([\w-]+)\.rendered/.exec(host.body.user_data_base64)[1];
  const part = DataSource(config, "cloudinit_config", name).part.find(
    (p) => p.content_type === "text/x-shellscript",
  );
  const call = /templatefile\("\$\{path\.module\}\/([^"]+)",\s*\{([\s\S]*)\}\)\}$/.exec(part.content);
  assert.ok(call, `the script part is a templatefile call: ${part.content}`);
  const names = [...call[2].matchAll(/^\s*(\w+)\s*=/gm)].map((m) => m[1]);
  return { file: path.join(dir, call[1]), names };
}

// Terraform's template syntax as far as the template uses it: ${name}, $${ (a literal ${), and
// %{ if name ~} ... %{ endif ~} (the ~ strips the newline after the directive).
function Render(template, values) {
  let text = template.replace(/%\{ if (\w+) ~\}\n([\s\S]*?)%\{ endif ~\}\n/g, (_, name, body) => {
    assert.ok(Object.hasOwn(values, name), `template condition on unknown ${name}`);
    return values[name] ? body : "";
  });
  assert.ok(!text.includes("%{"), "a template directive the renderer does not know");
  text = text.replace(/(\$?)\$\{([^}]*)\}/g, (whole, escaped, name) => {
    if (escaped) return "${" + name + "}";
    assert.ok(Object.hasOwn(values, name), `template uses \${${name}}, which ec2.tf does not pass`);
    return String(values[name]);
  });
  return text;
}

function HasShellcheck() {
  try {
    execFileSync("shellcheck", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function Interpolations(template) {
  return new Set(
    [...template.matchAll(/(\$?)\$\{([^}]*)\}|%\{ if (\w+) ~\}/g)]
      .filter((m) => !m[1])
      .map((m) => m[2] ?? m[3]),
  );
}

test("the template uses exactly what ec2.tf passes", () => {
  const { file, names } = TemplateCall();
  const used = Interpolations(readFileSync(file, "utf8"));
  assert.deepEqual([...used].sort(), [...names].sort());
});

function RenderWith(installSsmAgent, entrypoint) {
  const { file } = TemplateCall();
  return Render(readFileSync(file, "utf8"), {
    env_file: "AWS_REGION=eu-west-3\nDOMAIN_NAME=dashboard.example.org",
    // ec2.tf passes the file without its last newline; the heredoc adds it back.
    entrypoint: entrypoint.replace(/\n$/, ""),
    install_ssm_agent: installSsmAgent,
    aws_region: "eu-west-3",
  });
}

const entrypointReady = existsSync(kEntrypoint);

for (const installSsmAgent of [true, false]) {
  test(`the rendered user data is valid bash (SSM agent: ${installSsmAgent})`,
    { skip: !entrypointReady && "infra/docker/entrypoint.sh is not there yet" }, () => {
      const entrypoint = readFileSync(kEntrypoint, "utf8");
      assert.ok(!/^OCEANDASH_ENTRYPOINT$/m.test(entrypoint),
        "the entrypoint holds the heredoc delimiter of the user data");
      const rendered = RenderWith(installSsmAgent, entrypoint);
      assert.equal(rendered.includes("amazon-ssm-agent"), installSsmAgent);
      assert.ok(rendered.startsWith("#!/bin/bash\n"), "starts with its interpreter");
      const scratch = mkdtempSync(path.join(tmpdir(), "user-data-"));
      try {
        const script = path.join(scratch, "user-data.sh");
        writeFileSync(script, rendered);
        execFileSync("bash", ["-n", script], { stdio: "pipe" });
        if (HasShellcheck()) {
          // The entrypoint is its authors' to lint; only the wrapper around it is checked here.
          const wrapper = rendered.replace(entrypoint.replace(/\n$/, ""), "true");
          writeFileSync(script, wrapper);
          execFileSync("shellcheck", ["--shell=bash", script], { stdio: "pipe" });
        }
        const heredoc = /<<'OCEANDASH_ENTRYPOINT'\n([\s\S]*?)OCEANDASH_ENTRYPOINT\n/.exec(rendered);
        assert.equal(heredoc[1], entrypoint, "the entrypoint arrives byte for byte");
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
}

test("the user data fits EC2's limit once gzipped", {
  skip: !entrypointReady && "infra/docker/entrypoint.sh is not there yet",
}, () => {
  const rendered = RenderWith(true, readFileSync(kEntrypoint, "utf8"));
  const size = gzipSync(rendered).length;
  assert.ok(size < kUserDataBudget, `gzipped user data is ${size} bytes, over ${kUserDataBudget}`);
});

// The settings contract with infra/docker/entrypoint.sh: its check_settings names the required
// settings in its first loop and every setting it accepts in the second; ec2.tf must pass every
// required one and nothing the entrypoint does not know (a misspelt name would be ignored).
test("the host gets exactly the settings the entrypoint reads", {
  skip: !entrypointReady && "infra/docker/entrypoint.sh is not there yet",
}, () => {
  const entrypoint = readFileSync(kEntrypoint, "utf8").replace(/\\\n\s*/g, " ");
  const loops = [...entrypoint.matchAll(/for name in ([A-Z0-9_ ]+); do/g)].map((m) => m[1].trim().split(/\s+/));
  assert.ok(loops.length >= 2, "check_settings has its two loops");
  const [required, known] = loops;
  const passed = Object.keys(Local(config, "host_env"));
  for (const name of required) assert.ok(passed.includes(name), `ec2.tf does not pass ${name}`);
  for (const name of passed) {
    assert.ok(known.includes(name), `ec2.tf passes ${name}, which the entrypoint does not read`);
  }
});
