// Loads a Terraform configuration with @cdktf/hcl2json and answers the questions the tests ask of
// it. There is no Terraform binary here, so this evaluates only what the checks need: literal
// values, `var.X` (its default), `local.X` when it is a literal, `each.key` / `each.value` of a
// for_each over a literal map or a local map. Anything else stays an expression string, which the
// checks treat as "not known" and never as "fine".

import { parse } from "@cdktf/hcl2json";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const kDefaultDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../infra/terraform",
);

// Appends every block of one parsed file to the merged configuration. hcl2json gives each
// labelled block as an array (one entry per declaration), so a name declared twice shows up as
// two entries and the checks can refuse it.
function MergeInto(config, parsed) {
  for (const [kind, body] of Object.entries(parsed)) {
    if (kind === "resource" || kind === "data") {
      for (const [type, byName] of Object.entries(body)) {
        for (const [name, blocks] of Object.entries(byName)) {
          const slot = ((config[kind][type] ??= {})[name] ??= []);
          slot.push(...blocks);
        }
      }
    } else if (kind === "locals") {
      config.locals.push(...body);
    } else if (kind === "terraform" || kind === "provider") {
      config[kind].push(body);
    } else {
      for (const [name, blocks] of Object.entries(body)) {
        (config[kind][name] ??= []).push(...blocks);
      }
    }
  }
}

// Parsed files by their text: the mutation tests load many configurations that differ in one
// file, and parsing is the slow part.
const parsedByText = new Map();

async function ParseCached(file, text) {
  const cacheKey = `${file}\0${text}`;
  if (!parsedByText.has(cacheKey)) {
    parsedByText.set(
      cacheKey,
      parse(file, text).catch((error) => {
        throw new Error(`${file} does not parse: ${error.message}`);
      }),
    );
  }
  // Each caller gets its own copy: the checks must not see each other's edits.
  return structuredClone(await parsedByText.get(cacheKey));
}

// The configuration in `dir`; `replacements` maps a file name to text used instead of the file's.
export async function LoadConfig(dir = kDefaultDir, replacements = {}) {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".tf")).sort();
  const config = {
    dir,
    files,
    resource: {},
    data: {},
    variable: {},
    output: {},
    locals: [],
    terraform: [],
    provider: [],
    module: {},
  };
  for (const file of files) {
    const text = replacements[file] ?? (await readFile(path.join(dir, file), "utf8"));
    MergeInto(config, await ParseCached(file, text));
  }
  return config;
}

// The one declaration of a labelled block, or an error naming it.
function Single(blocks, what) {
  if (!blocks || blocks.length === 0) throw new Error(`${what} is not declared`);
  if (blocks.length > 1) throw new Error(`${what} is declared ${blocks.length} times`);
  return blocks[0];
}

export function Resources(config, type) {
  return Object.entries(config.resource[type] ?? {}).map(([name, blocks]) => ({
    type,
    name,
    body: Single(blocks, `resource ${type}.${name}`),
  }));
}

export function DataSource(config, type, name) {
  return Single(config.data[type]?.[name], `data ${type}.${name}`);
}

export function Variable(config, name) {
  return Single(config.variable[name], `variable ${name}`);
}

export function Local(config, name) {
  const found = config.locals.filter((block) => Object.hasOwn(block, name));
  if (found.length === 0) throw new Error(`local.${name} is not declared`);
  if (found.length > 1) throw new Error(`local.${name} is declared ${found.length} times`);
  return found[0][name];
}

const kWholeReference = /^\$\{([A-Za-z_][\w.-]*(?:\[[^\]]+\])?(?:\.[\w-]+)*)\}$/;

// The reference a string consists of ("${var.x}" -> "var.x"), or null.
export function ReferenceOf(value) {
  if (typeof value !== "string") return null;
  const match = kWholeReference.exec(value);
  return match ? match[1] : null;
}

// Replaces `each.key` in an expression string by the quoted key, so that
// "${aws_lambda_function.handler[each.key].arn}" of instance "cleanup" reads
// '${aws_lambda_function.handler["cleanup"].arn}'.
export function WithEachKey(value, key) {
  if (typeof value !== "string") return value;
  return value.replaceAll("[each.key]", `["${key}"]`);
}

// Resolves a value as far as the configuration allows (see the file comment). `each` is
// {key, value} of the instance being looked at, or undefined.
export function Resolve(config, value, each, depth = 0) {
  if (depth > 10) return value;
  if (Array.isArray(value)) return value.map((item) => Resolve(config, item, each, depth + 1));
  const reference = ReferenceOf(value);
  if (reference === null) return value;
  const parts = reference.split(".");
  if (parts[0] === "var" && parts.length === 2) {
    const variable = Variable(config, parts[1]);
    return Object.hasOwn(variable, "default")
      ? Resolve(config, variable.default, undefined, depth + 1)
      : value;
  }
  if (parts[0] === "local" && parts.length >= 2) {
    let current = Local(config, parts[1]);
    for (const field of parts.slice(2)) {
      if (current === null || typeof current !== "object") return value;
      current = current[field];
    }
    return current === undefined ? value : Resolve(config, current, undefined, depth + 1);
  }
  if (parts[0] === "each" && each) {
    if (parts.length === 2 && parts[1] === "key") return each.key;
    if (parts[1] === "value") {
      let current = each.value;
      for (const field of parts.slice(2)) {
        if (current === null || typeof current !== "object") return value;
        current = current[field];
      }
      return current === undefined ? value : Resolve(config, current, undefined, depth + 1);
    }
  }
  return value;
}

const kPrefixFilter =
  /^\$\{\{\s*for (\w+), (\w+) in local\.(\w+)\s*:\s*\1 => \2 if startswith\(\1, "([^"]*)"\)\s*\}\}$/;

// `{ for k, v in local.M : k => v if startswith(k, "prefix") }` over a literal local map gives
// that map's entries whose key has the prefix; any other value is returned as it is.
function FilterByPrefix(config, value) {
  const match = kPrefixFilter.exec(String(value));
  if (!match) return value;
  const source = Resolve(config, `\${local.${match[3]}}`);
  if (source === null || typeof source !== "object") return value;
  return Object.fromEntries(Object.entries(source).filter(([key]) => key.startsWith(match[4])));
}

// The instances a resource block makes: [{key, value, body}] for a for_each over a literal map
// or over a local that is a literal map; one instance with key null otherwise. A for_each over
// anything else (a variable, a function) gives one symbolic instance whose key and value are the
// for_each expression itself, so checks can see where the values come from.
export function Instances(config, body) {
  const forEach = body.for_each;
  if (forEach === undefined) return [{ key: null, value: undefined, body }];
  let collection = forEach;
  if (typeof forEach === "string") collection = FilterByPrefix(config, Resolve(config, forEach));
  if (collection !== null && typeof collection === "object" && !Array.isArray(collection)) {
    return Object.entries(collection).map(([key, value]) => ({ key, value, body }));
  }
  if (Array.isArray(collection) && collection.every((item) => typeof item === "string")) {
    return collection.map((item) => ({ key: item, value: item, body }));
  }
  return [{ key: null, value: undefined, symbolicForEach: String(forEach), body }];
}

// Every policy statement of an aws_iam_policy_document, dynamic ones included: a dynamic
// statement whose for_each is `COND ? [X] : []` contributes its content with statement.value = X.
export function PolicyStatements(document) {
  const statements = [...(document.statement ?? [])];
  for (const dynamic of document.dynamic?.statement ?? []) {
    const match = /\?\s*\[(.+)\]\s*:\s*\[\]\s*\}$/s.exec(String(dynamic.for_each));
    if (!match) {
      throw new Error(`dynamic statement with an unreadable for_each: ${dynamic.for_each}`);
    }
    let element = match[1].trim();
    element = /^"(.*)"$/.test(element) ? element.slice(1, -1) : "${" + element + "}";
    for (const content of dynamic.content ?? []) {
      const substitute = (item) => (item === "${statement.value}" ? element : item);
      statements.push({
        ...content,
        resources: AsList(content.resources).map(substitute),
        dynamic: true,
      });
    }
  }
  // A `resources = [for ...]` expression is one string: keep it as a one-element list.
  return statements.map((statement) => ({ ...statement, resources: AsList(statement.resources) }));
}

function AsList(value) {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

// "${data.aws_iam_policy_document.NAME.json}" -> NAME, or null.
export function PolicyDocumentName(policy) {
  const match = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(String(policy));
  return match ? match[1] : null;
}

// "${TYPE.NAME...}" -> {type, name} of the resource it points into, or null.
export function ResourceReference(value) {
  const match = /^\$\{(aws_[a-z0-9_]+)\.([\w-]+)(?:\[[^\]]+\])?\.[\w.]+\}/.exec(String(value));
  return match ? { type: match[1], name: match[2] } : null;
}
