// The document itself: a valid OpenAPI 3 document (swagger-parser, the validator in the
// dashboard's toolchain), schemas Ajv compiles in strict mode, and the same routes as the
// server's route table (src/api/routes.cpp).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HTTP_METHODS, closeSchema, newAjv, readDocument, validateDocument } from './contract.mjs';
import { REPO_DIR } from './harness.mjs';

const doc = readDocument();
// Validated once; each test awaits the same answer.
const validated = validateDocument(doc);
validated.catch(() => {});

function operations(d) {
  const out = [];
  for (const [path, item] of Object.entries(d.paths)) {
    for (const method of HTTP_METHODS) {
      if (item[method]) out.push({ path, method, operation: item[method] });
    }
  }
  return out;
}

test('swagger-parser validates the document (OpenAPI 3.0 schema, every $ref resolves)', async () => {
  assert.equal(doc.openapi, '3.0.3');
  await validated;
});

test('every operation documents a success and only error answers with their codes', async () => {
  const deref = await validated;
  const codeEnum = deref.components.schemas.Error.properties.error.properties.code.enum;
  for (const { path, method, operation } of operations(deref)) {
    const what = `${method.toUpperCase()} ${path}`;
    const statuses = Object.keys(operation.responses);
    assert.ok(statuses.some((s) => /^2\d\d$/.test(s)), `${what}: no 2xx answer`);
    assert.ok(!statuses.includes('default'), `${what}: "default" would accept any status`);
    for (const [status, response] of Object.entries(operation.responses)) {
      const codes = response['x-error-codes'];
      const isError = response.content?.['application/json']?.schema === deref.components.schemas.Error;
      if (isError) {
        assert.ok(Array.isArray(codes) && codes.length > 0, `${what} ${status}: Error answer without x-error-codes`);
        for (const code of codes) assert.ok(codeEnum.includes(code), `${what} ${status}: unknown code ${code}`);
      } else {
        assert.equal(codes, undefined, `${what} ${status}: x-error-codes on an answer that is not an Error`);
      }
    }
  }
});

test('404 and 405 answers, which no path can list, are components with their headers', async () => {
  const deref = await validated;
  const { NotFound, MethodNotAllowed } = deref.components.responses;
  assert.deepEqual(NotFound['x-error-codes'], ['not_found']);
  assert.deepEqual(MethodNotAllowed['x-error-codes'], ['method_not_allowed']);
  assert.equal(MethodNotAllowed.headers?.Allow?.required, true);
});

test('every schema compiles with Ajv in strict mode (no unknown keyword, no typo)', async () => {
  const deref = await validated;
  const ajv = newAjv();
  for (const [name, schema] of Object.entries(deref.components.schemas)) {
    assert.doesNotThrow(() => ajv.compile(closeSchema(schema)), `components/schemas/${name}`);
  }
  for (const { path, method, operation } of operations(deref)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const [media, content] of Object.entries(response.content || {})) {
        assert.ok(content.schema, `${method} ${path} ${status} ${media}: no schema`);
        assert.doesNotThrow(() => ajv.compile(closeSchema(content.schema)), `${method} ${path} ${status} ${media}`);
      }
      for (const [name, header] of Object.entries(response.headers || {})) {
        assert.doesNotThrow(() => ajv.compile(header.schema), `${method} ${path} ${status} header ${name}`);
      }
    }
  }
});

test('the document lists exactly the routes of src/api/routes.cpp', () => {
  const source = readFileSync(join(REPO_DIR, 'src/api/routes.cpp'), 'utf8');
  const routed = new Set();
  for (const m of source.matchAll(/\bget\(\s*"([^"]+)"/g)) routed.add(`get ${m[1]}`);
  for (const m of source.matchAll(/Method::k(\w+),\s*"([^"]+)"/g)) routed.add(`${m[1].toLowerCase()} ${m[2]}`);
  assert.ok(routed.size >= 10, `read only ${routed.size} routes from routes.cpp: has its shape changed?`);
  const documented = new Set(operations(doc).map(({ path, method }) => `${method} ${path}`));
  assert.deepEqual([...documented].sort(), [...routed].sort());
});
