import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { OpenAPIBackend } from 'openapi-backend';
import type { AjvCustomizer, Document, Request } from 'openapi-backend';
import { parse as parseYaml } from 'yaml';
import { BscError } from '../../main/engine/errors';

/** The repository root: the nearest folder above this file that holds package.json. */
export const repoRoot = findRepoRoot(import.meta.dirname);

export const specPaths = {
  qdrant: path.resolve(repoRoot, '../shared/specs/qdrant-openapi.json'),
  docker: path.resolve(repoRoot, '../shared/specs/docker-engine-api.yaml'),
} as const;
export type SpecName = keyof typeof specPaths;

export function specAvailable(name: SpecName): boolean {
  return existsSync(specPaths[name]);
}

export interface SpecRequest {
  method: string;
  /** Path without query string and without any /v1.NN prefix. */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, the raw text when it did not parse, or undefined when there was no body. */
  body: unknown;
}

export interface RequestCheck {
  /** undefined when no operation of the spec matches the method and path. */
  operationId: string | undefined;
  /** Path parameters of the matched operation, decoded. */
  params: Record<string, string>;
  errors: string[];
}

export interface SpecValidator {
  readonly name: SpecName;
  checkRequest(req: SpecRequest): RequestCheck;
  checkResponse(operationId: string, status: number, body: unknown): string[];
}

interface LoadOptions {
  /** The Docker engine ignores query parameters it does not know (dockerode sends create options there too). */
  ignoreUnknownQuery: boolean;
}

const loaded = new Map<SpecName, Promise<SpecValidator>>();

/** Loads (once per process) the spec as an OpenAPI 3 document and compiles its validators. */
export function loadSpec(name: SpecName): Promise<SpecValidator> {
  let pending = loaded.get(name);
  if (!pending) {
    pending = buildValidator(name);
    loaded.set(name, pending);
  }
  return pending;
}

async function buildValidator(name: SpecName): Promise<SpecValidator> {
  const file = specPaths[name];
  if (!existsSync(file)) {
    throw new BscError('NOT_FOUND', `The ${name} API specification is missing at ${file}; the stand-in validates every request against it and cannot run without it.`);
  }
  const text = readFileSync(file, 'utf8');
  let doc: Record<string, unknown>;
  if (name === 'docker') {
    // swagger2openapi ships no types; require() keeps it out of the type checker.
    const require = createRequire(import.meta.url);
    const s2o = require('swagger2openapi') as { convertObj(s: unknown, o: object): Promise<{ openapi: Record<string, unknown> }> };
    doc = (await s2o.convertObj(parseYaml(text), { patch: true, warnOnly: true })).openapi;
  } else {
    doc = JSON.parse(text) as Record<string, unknown>;
  }
  rewriteTypelessNullable(doc);
  const formats = collectFormats(doc);
  const api = new OpenAPIBackend({
    definition: doc as unknown as Document,
    apiRoot: '/',
    validate: true,
    quick: true,
    customizeAjv: registerFormats(formats),
  });
  await api.init();
  return makeValidator(name, api, { ignoreUnknownQuery: name === 'docker' });
}

function makeValidator(name: SpecName, api: OpenAPIBackend, opts: LoadOptions): SpecValidator {
  return {
    name,
    checkRequest(req) {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = v;
      const request: Request = { method: req.method.toLowerCase(), path: req.path, query: { ...req.query }, headers, body: req.body as Request['body'] };
      const query = request.query as Record<string, string | string[]>;
      const operation = api.router.matchOperation(request);
      if (!operation?.operationId) return { operationId: undefined, params: {}, errors: [`no operation ${req.method} ${req.path} in the ${name} spec`] };
      if (opts.ignoreUnknownQuery) {
        const known = new Set((operation.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'query' ? [p.name] : [])));
        for (const key of Object.keys(query)) if (!known.has(key)) delete query[key];
      }
      const result = api.validator.validateRequest(request, operation);
      const params = Object.fromEntries(Object.entries(api.router.parseRequest(request, operation).params).map(([k, v]) => [k, decodeURIComponent(String(v))]));
      return { operationId: operation.operationId, params, errors: (result.errors ?? []).map(formatAjvError) };
    },
    checkResponse(operationId, status, body) {
      const result = api.validator.validateResponse(body, operationId, status);
      return (result.errors ?? []).map(formatAjvError);
    },
  };
}

function formatAjvError(e: { instancePath?: string; message?: string; params?: unknown }): string {
  const params = e.params && typeof e.params === 'object' && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
  return `${e.instancePath || '/'} ${e.message ?? 'invalid'}${params}`;
}

/**
 * Both specs put `nullable: true` beside `$ref`/`anyOf` or alone, which Ajv's OpenAPI
 * `nullable` keyword rejects (it needs a sibling `type`); spell it out as a null branch.
 */
export function rewriteTypelessNullable(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) rewriteTypelessNullable(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  for (const value of Object.values(obj)) rewriteTypelessNullable(value);
  if (obj.nullable !== true || 'type' in obj) return;
  delete obj.nullable;
  const annotations = new Set(['description', 'default', 'example', 'title', 'readOnly', 'writeOnly', 'deprecated']);
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!annotations.has(k)) {
      rest[k] = v;
      delete obj[k];
    }
  }
  obj.anyOf = Object.keys(rest).length ? [rest, { type: 'null' }] : [{ type: 'null' }];
}

function collectFormats(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) collectFormats(item, into);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'format' && typeof v === 'string') into.add(v);
      else collectFormats(v, into);
    }
  }
  return into;
}

const integerRanges: Record<string, [number, number]> = {
  uint: [0, Number.MAX_SAFE_INTEGER],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  usize: [0, Number.MAX_SAFE_INTEGER],
  int8: [-128, 127],
  int16: [-32768, 32767],
};
const stringFormats: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
  'date-time': /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/i,
  'partial-date-time': /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?$/,
};

/** Checks the integer and uuid formats the specs rely on; any other format is accepted as documentation. */
function registerFormats(formats: Set<string>): AjvCustomizer {
  return (ajv) => {
    for (const format of formats) {
      const range = integerRanges[format];
      const pattern = stringFormats[format];
      if (range) {
        const [min, max] = range;
        ajv.addFormat(format, { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= min && n <= max });
      } else if (pattern) {
        ajv.addFormat(format, { type: 'string', validate: (s: string) => pattern.test(s) });
      } else if (!['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password'].includes(format)) {
        ajv.addFormat(format, true);
      }
    }
    return ajv;
  };
}

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start, '../..');
    dir = parent;
  }
  return dir;
}
