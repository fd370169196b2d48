// The OpenAPI document as a test oracle: loads src/api/openapi.json, validates it with
// swagger-parser, and checks real HTTP answers against it with Ajv. It also records which
// documented (operation, status, media type, error code) combinations a test has seen, so a
// documented answer nobody produces is as visible as an answer nobody documented.
//
// The document is OpenAPI 3.0.3, whose Schema Object is a JSON Schema draft-04/07 dialect plus
// `nullable`: Ajv's default draft-07 validator supports `nullable` itself, and the only other
// 3.0 keyword the document uses, `example`, is registered as an annotation.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { REPO_DIR } from './harness.mjs';

export const DOCUMENT_PATH = join(REPO_DIR, 'src/api/openapi.json');
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// Headers that carry part of the contract: an answer that sends one must document it.
const CONTRACT_HEADERS = ['etag', 'link', 'allow', 'www-authenticate'];

export function readDocument() {
  return JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8'));
}

/** Validates with swagger-parser (OpenAPI 3.0 schema + spec rules); resolves the dereferenced copy. */
export async function validateDocument(doc) {
  await SwaggerParser.validate(structuredClone(doc));
  return SwaggerParser.dereference(structuredClone(doc));
}

export function newAjv() {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'example', schemaType: ['string', 'number', 'object', 'array', 'boolean'] });
  return ajv;
}

function isObjectSchema(schema) {
  return schema.type === 'object' || schema.properties !== undefined;
}

/**
 * A copy of `schema` in which every object that lists its properties accepts no others (unless
 * it says otherwise), so a field the server sends but the document lacks fails validation.
 * allOf of object schemas becomes one object, as draft-07 cannot close an allOf.
 */
export function closeSchema(schema) {
  if (Array.isArray(schema)) return schema.map(closeSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  if (schema.allOf && schema.allOf.every(isObjectSchema)) {
    const { allOf, ...rest } = schema;
    const merged = { ...rest, type: 'object', properties: {}, required: [] };
    for (const part of allOf) {
      Object.assign(merged.properties, part.properties || {});
      merged.required.push(...(part.required || []));
    }
    return closeSchema(merged);
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, closeSchema(sub)]),
      );
    } else if (['items', 'additionalProperties', 'not'].includes(key)) {
      out[key] = closeSchema(value);
    } else if (['allOf', 'anyOf', 'oneOf'].includes(key)) {
      out[key] = value.map(closeSchema);
    } else {
      out[key] = value;
    }
  }
  if (out.properties && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

function mediaTypeOf(contentType) {
  return (contentType || '').split(';')[0].trim().toLowerCase();
}

function templateRegex(template) {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`);
}

export class Contract {
  /** doc: as written; deref: the dereferenced copy from validateDocument. */
  constructor(doc, deref) {
    this.doc = doc;
    this.deref = deref;
    this.ajv = newAjv();
    this.validators = new Map();
    this.seen = new Set();
    this.paths = Object.keys(deref.paths).map((template) => ({
      template,
      regex: templateRegex(template),
      item: deref.paths[template],
    }));
  }

  validator(schema) {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(closeSchema(schema));
      this.validators.set(schema, validate);
    }
    return validate;
  }

  /** The documented path template a request path falls under, or undefined. */
  match(path) {
    return this.paths.find((p) => p.regex.test(path));
  }

  /** Every combination the document promises: "GET /api/x/ 200 application/json [code]". */
  expectedKeys() {
    const keys = new Set();
    for (const { template, item } of this.paths) {
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (!operation) continue;
        for (const [status, response] of Object.entries(operation.responses)) {
          const media = response.content ? Object.keys(response.content) : ['-'];
          const codes = response['x-error-codes'] || [null];
          for (const m of media) {
            for (const code of codes) keys.add(key(method, template, status, m, code));
          }
        }
      }
    }
    return keys;
  }

  /**
   * Checks one answer against the document and records it. `what` names the request in
   * failure messages. Returns the parsed JSON body (or the text) for further checks.
   */
  check(method, path, res, what = `${method.toUpperCase()} ${path}`) {
    method = method.toLowerCase();
    const found = this.match(path);
    if (!found) return this.checkComponent('NotFound', 404, res, what);
    const operation = found.item[method];
    if (!operation) {
      const body = this.checkComponent('MethodNotAllowed', 405, res, what);
      const documented = HTTP_METHODS.filter((m) => found.item[m]).map((m) => m.toUpperCase());
      if (documented.includes('GET')) documented.push('HEAD');
      assert.deepEqual(
        res.headers.allow.split(',').map((m) => m.trim()).sort(),
        [...new Set(documented)].sort(),
        `${what}: Allow must list exactly the documented methods`,
      );
      return body;
    }
    const response = operation.responses[String(res.status)];
    assert.ok(
      response,
      `${what}: answered ${res.status}, which ${method.toUpperCase()} ${found.template} does not ` +
        `document (documented: ${Object.keys(operation.responses).join(', ')}); body: ${res.body.slice(0, 300)}`,
    );
    const { media, body, code } = this.checkResponse(response, res, what);
    this.seen.add(key(method, found.template, String(res.status), media, code));
    return body;
  }

  /** Checks an answer against components/responses/<name> (404, 405: no path to hang them on). */
  checkComponent(name, status, res, what) {
    const response = this.deref.components.responses[name];
    assert.ok(response, `components/responses/${name} is missing`);
    assert.equal(res.status, status, `${what}: expected ${status} (${name}), got ${res.status}: ${res.body.slice(0, 300)}`);
    const { media, body, code } = this.checkResponse(response, res, what);
    this.seen.add(key('component', name, String(status), media, code));
    return body;
  }

  checkResponse(response, res, what) {
    // Headers: the declared ones (present when required, valid when present) ...
    const declared = Object.fromEntries(
      Object.entries(response.headers || {}).map(([name, header]) => [name.toLowerCase(), header]),
    );
    for (const [name, header] of Object.entries(declared)) {
      const value = res.headers[name];
      if (value === undefined) {
        assert.ok(!header.required, `${what}: required header ${name} is missing`);
        continue;
      }
      const validate = this.validator(header.schema);
      assert.ok(
        validate(value),
        `${what}: header ${name}: ${JSON.stringify(value)} does not match its schema: ${this.ajv.errorsText(validate.errors)}`,
      );
    }
    // ... and no contract header the document does not declare.
    for (const name of CONTRACT_HEADERS) {
      if (res.headers[name] !== undefined) {
        assert.ok(name in declared, `${what}: sends ${name} but the document does not declare it for ${res.status}`);
      }
    }

    if (!response.content) {
      assert.equal(res.body, '', `${what}: ${res.status} documents no body but got one`);
      return { media: '-', body: undefined, code: null };
    }
    const media = mediaTypeOf(res.headers['content-type']);
    const content = response.content[media];
    assert.ok(
      content,
      `${what}: Content-Type ${res.headers['content-type']} is not documented for ${res.status} ` +
        `(documented: ${Object.keys(response.content).join(', ')})`,
    );
    let body = res.body;
    if (media === 'application/json') {
      try {
        body = JSON.parse(res.body);
      } catch (e) {
        assert.fail(`${what}: Content-Type says JSON but the body is not: ${res.body.slice(0, 200)}`);
      }
    }
    assert.ok(content.schema, `${what}: ${res.status} ${media} has no schema`);
    const validate = this.validator(content.schema);
    assert.ok(
      validate(body),
      `${what}: ${res.status} ${media} body does not match the document: ` +
        `${this.ajv.errorsText(validate.errors)}; body: ${res.body.slice(0, 400)}`,
    );
    let code = null;
    const codes = response['x-error-codes'];
    if (codes) {
      code = body.error.code;
      assert.ok(
        codes.includes(code),
        `${what}: error code ${code} is not among those documented for ${res.status} (${codes.join(', ')})`,
      );
    }
    return { media, body, code };
  }
}

export function key(method, template, status, media, code) {
  return `${method.toUpperCase()} ${template} ${status} ${media}${code ? ` ${code}` : ''}`;
}
