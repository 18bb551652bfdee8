/**
 * Renders docs/api-reference.md from the service's own OpenAPI document (buildOpenApi(), which
 * is generated from src/api/operations.ts and the zod schemas), so the reference cannot drift
 * from the code. It reads only the OpenAPI structure, whatever operations, media types, headers
 * or methods the document holds.
 *
 *   npm run docs:api            writes docs/api-reference.md
 *   npm run docs:api -- --check exits 1 when the committed file is stale
 *
 * test/unit/apiReference.test.ts fails when the committed file is stale.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { buildOpenApi } from '../src/api/openapi';

type Json = Record<string, unknown>;

/** The repository's root, from the source (scripts/) or from its build (dist/scripts/). */
function repositoryRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'docs'))) return dir;
  }
  throw new Error(`No repository root above ${from}`);
}

export const REFERENCE_FILE = join(repositoryRoot(__dirname), 'docs', 'api-reference.md');
const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'];

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObject = (v: unknown): Json => (isObject(v) ? v : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
/** Markdown table cells: one line, pipes escaped. */
const cell = (s: string): string => s.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
const code = (s: string): string => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);
const anchor = (name: string): string => `schema-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
const refName = (ref: string): string => ref.split('/').pop() ?? ref;

/** A schema as a short type: `string (uuid)`, `'a' \| 'b'`, `[Invitation](#…)[]`. */
export function typeOf(schema: unknown): string {
  const s = asObject(schema);
  if (typeof s.$ref === 'string') return `[${refName(s.$ref)}](#${anchor(refName(s.$ref))})`;
  if ('const' in s) return code(JSON.stringify(s.const));
  if (Array.isArray(s.enum)) return s.enum.map((v) => code(JSON.stringify(v).replace(/^"|"$/g, "'"))).join(' | ');
  for (const key of ['anyOf', 'oneOf']) {
    if (Array.isArray(s[key])) return (s[key] as unknown[]).map(typeOf).join(' | ');
  }
  if (Array.isArray(s.allOf)) return (s.allOf as unknown[]).map(typeOf).join(' & ');
  const types = Array.isArray(s.type) ? (s.type as unknown[]).map(String) : typeof s.type === 'string' ? [s.type] : [];
  if (types.includes('array')) return `${typeOf(s.items)}[]`;
  if (types.includes('object') || isObject(s.properties)) {
    if (!isObject(s.properties) && isObject(s.additionalProperties)) return `map of ${typeOf(s.additionalProperties)}`;
    return 'object';
  }
  const base = types.join(' | ') || 'any';
  return typeof s.format === 'string' ? `${base} (${s.format})` : base;
}

/** Limits and defaults worth telling a developer (a format's own pattern is left out). */
function constraints(schema: unknown): string {
  const s = asObject(schema);
  const out: string[] = [];
  const range = (lo: unknown, hi: unknown, unit: string) => {
    // zod's integers carry the safe-integer bounds: not worth telling.
    const min = lo === Number.MIN_SAFE_INTEGER ? undefined : lo;
    const max = hi === Number.MAX_SAFE_INTEGER ? undefined : hi;
    if (typeof min === 'number' && typeof max === 'number') out.push(`${min}..${max}${unit}`);
    else if (typeof min === 'number') out.push(`≥ ${min}${unit}`);
    else if (typeof max === 'number') out.push(`≤ ${max}${unit}`);
  };
  range(s.minLength, s.maxLength, ' chars');
  range(s.minimum, s.maximum, '');
  range(s.minItems, s.maxItems, ' items');
  if (typeof s.pattern === 'string' && typeof s.format !== 'string') out.push(`pattern ${code(s.pattern)}`);
  if ('default' in s) out.push(`default ${code(JSON.stringify(s.default))}`);
  return out.join('; ');
}

interface Row {
  name: string;
  type: string;
  required: boolean;
  notes: string;
}

/** The fields of an object schema, nested inline objects (and arrays of them) as dotted names. */
function fields(schema: unknown, prefix = ''): Row[] {
  const s = asObject(schema);
  const required = new Set(asArray(s.required).map(String));
  const rows: Row[] = [];
  for (const [name, child] of Object.entries(asObject(s.properties))) {
    const c = asObject(child);
    const path = `${prefix}${name}`;
    const notes = [text(c.description), constraints(c)].filter(Boolean).join('; ');
    rows.push({ name: path, type: typeOf(c), required: required.has(name), notes });
    if (isObject(c.properties)) rows.push(...fields(c, `${path}.`));
    else if (isObject(asObject(c.items).properties)) rows.push(...fields(c.items, `${path}[].`));
  }
  return rows;
}

function fieldTable(schema: unknown): string[] {
  const rows = fields(schema);
  if (rows.length === 0) return [];
  return [
    '| field | type | required | notes |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${code(r.name)} | ${cell(r.type)} | ${r.required ? 'yes' : ''} | ${cell(r.notes)} |`),
    '',
  ];
}

/** A body's schema: a link when it is a component, else its own fields. */
function schemaLines(schema: unknown): string[] {
  const s = asObject(schema);
  if (typeof s.$ref === 'string' || !isObject(s.properties)) {
    const notes = constraints(s);
    return [`${typeOf(s)}${notes ? ` (${notes})` : ''}`, ''];
  }
  return fieldTable(s);
}

function renderOperation(path: string, method: string, op: Json, globalSecurity: unknown): string[] {
  const id = text(op.operationId);
  const lines = [`### ${method.toUpperCase()} ${path}`, ''];
  const summary = [text(op.summary), text(op.description)].filter(Boolean).join('. ');
  if (summary) lines.push(`${summary}${/[.!?]$/.test(summary) ? '' : '.'}`, '');
  const security = asArray(op.security ?? globalSecurity);
  const who =
    security.length === 0
      ? 'anyone (no sign-in)'
      : `signed in (${security.map((s) => Object.keys(asObject(s)).map(code).join(' + ')).join(' or ')})`;
  lines.push(`Operation ${code(id || `${method} ${path}`)}; caller: ${who}.`, '');

  const parameters = asArray(op.parameters).map(asObject);
  if (parameters.length) {
    lines.push('| parameter | in | type | required | notes |', '| --- | --- | --- | --- | --- |');
    for (const p of parameters) {
      const notes = [text(p.description), constraints(p.schema)].filter(Boolean).join('; ');
      lines.push(`| ${code(text(p.name))} | ${text(p.in)} | ${cell(typeOf(p.schema))} | ${p.required ? 'yes' : ''} | ${cell(notes)} |`);
    }
    lines.push('');
  }

  const body = asObject(op.requestBody);
  const bodyContent = asObject(body.content);
  if (Object.keys(bodyContent).length) {
    lines.push(`**Request body** (${body.required ? 'required' : 'optional'}):`, '');
    for (const [media, content] of Object.entries(bodyContent)) {
      lines.push(`- ${code(media)}: ${schemaLines(asObject(content).schema)[0]}`);
    }
    lines.push('');
    const first = asObject(Object.values(bodyContent)[0]).schema;
    if (!asObject(first).$ref) lines.push(...fieldTable(first));
  }

  const responses = Object.entries(asObject(op.responses));
  if (responses.length) {
    lines.push('| status | meaning | body | headers |', '| --- | --- | --- | --- |');
    for (const [status, response] of responses) {
      const r = asObject(response);
      const bodies = Object.entries(asObject(r.content)).map(([media, c]) => {
        const schema = asObject(c).schema;
        return `${code(media)}${schema ? ` ${schemaLines(schema)[0]}` : ''}`;
      });
      const headers = Object.keys(asObject(r.headers)).map(code);
      lines.push(`| ${status} | ${cell(text(r.description))} | ${cell(bodies.join(', '))} | ${cell(headers.join(', '))} |`);
    }
    lines.push('');
  }
  return lines;
}

/** The whole reference, as Markdown (formatted by the caller). */
export function renderApiReference(doc: Json): string {
  const info = asObject(doc.info);
  const lines: string[] = [
    `# ${text(info.title) || 'API'} reference`,
    '',
    '<!-- Generated by `npm run docs:api` from the OpenAPI document (src/api/openapi.ts, src/api/operations.ts). Do not edit by hand. -->',
    '',
  ];
  if (text(info.description)) lines.push(text(info.description), '');
  lines.push(
    `OpenAPI ${text(doc.openapi)}, API version ${text(info.version)}. The same document is served at \`GET /api/openapi.json\`.`,
    'The flows, errors, paging, ETags, identity and CORS are explained in [api.md](api.md).',
    '',
  );

  const paths = Object.entries(asObject(doc.paths));
  const ops = paths.flatMap(([path, item]) =>
    Object.entries(asObject(item))
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op: asObject(op) })),
  );
  lines.push('## Operations', '', '| method | path | operation | summary |', '| --- | --- | --- | --- |');
  for (const { path, method, op } of ops) {
    lines.push(`| ${method.toUpperCase()} | ${code(path)} | ${code(text(op.operationId))} | ${cell(text(op.summary))} |`);
  }
  lines.push('');
  for (const { path, method, op } of ops) lines.push(...renderOperation(path, method, op, doc.security));

  const components = asObject(doc.components);
  const schemes = Object.entries(asObject(components.securitySchemes));
  if (schemes.length) {
    lines.push('## Security schemes', '');
    for (const [name, scheme] of schemes) {
      const s = asObject(scheme);
      lines.push(`- ${code(name)}: ${[text(s.type), text(s.scheme)].filter(Boolean).join(' ')}. ${text(s.description)}`.trim());
    }
    lines.push('');
  }

  const schemas = Object.entries(asObject(components.schemas));
  if (schemas.length) {
    lines.push('## Schemas', '');
    for (const [name, schema] of schemas) {
      const s = asObject(schema);
      lines.push(`<a id="${anchor(name)}"></a>`, '', `### ${name}`, '');
      if (text(s.description)) lines.push(text(s.description), '');
      if (isObject(s.properties)) {
        lines.push(...fieldTable(s));
        if (s.additionalProperties === false) lines.push('No other fields.', '');
      } else lines.push(`${typeOf(s)}${constraints(s) ? ` (${constraints(s)})` : ''}`, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The reference as the repository commits it (prettier-formatted like every Markdown file). */
export async function apiReference(): Promise<string> {
  const options = (await resolveConfig(REFERENCE_FILE)) ?? {};
  return format(renderApiReference(buildOpenApi()), { ...options, parser: 'markdown' });
}

async function main(): Promise<void> {
  const wanted = await apiReference();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(REFERENCE_FILE, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== wanted) {
      console.error('docs/api-reference.md is stale: run `npm run docs:api` and commit it.');
      process.exit(1);
    }
    console.log('docs/api-reference.md is up to date.');
    return;
  }
  writeFileSync(REFERENCE_FILE, wanted);
  console.log(`wrote docs/api-reference.md (${wanted.length} characters)`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
