// Parses every .tf file of infra/terraform with @cdktf/hcl2json and asserts the deployment's
// invariants (checks.mjs) on the result. TF_DIR points the tests at another directory.

import { test } from "node:test";
import { kChecks } from "./checks.mjs";
import { LoadConfig } from "./tf.mjs";

const config = await LoadConfig(process.env.TF_DIR || undefined);

for (const [name, check] of Object.entries(kChecks)) {
  test(name, () => check(config));
}
