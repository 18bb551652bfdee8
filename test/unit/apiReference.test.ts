import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../src/api/openapi';
import { REFERENCE_FILE, apiReference, renderApiReference } from '../../scripts/api-reference';

describe('docs/api-reference.md', () => {
  it('is the rendering of the current OpenAPI document (run `npm run docs:api` when this fails)', async () => {
    const committed = readFileSync(REFERENCE_FILE, 'utf8');
    expect(committed === (await apiReference()), 'docs/api-reference.md is stale: run `npm run docs:api` and commit it').toBe(true);
  });

  it('lists every operation of the document, and every component schema', () => {
    const doc = buildOpenApi() as { paths: Record<string, Record<string, { operationId: string }>>; components: { schemas: object } };
    const md = renderApiReference(doc);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(md).toContain(`### ${method.toUpperCase()} ${path}\n`);
        expect(md).toContain(`\`${op.operationId}\``);
      }
    }
    for (const name of Object.keys(doc.components.schemas))
      expect(md).toContain(`<a id="schema-${name.toLowerCase()}"></a>\n\n### ${name}\n`);
  });

  it('renders whatever the document holds: HEAD, several media types, response headers, unions, no components', () => {
    const md = renderApiReference({
      openapi: '3.1.0',
      info: { title: 'T', version: '2' },
      security: [{ easyAuth: [] }],
      paths: {
        '/api/things/{id}': {
          parameters: [{ name: 'ignored', in: 'path' }],
          head: { operationId: 'headThing', security: [], responses: { 200: { description: 'Headers only', headers: { ETag: {} } } } },
          put: {
            operationId: 'putThing',
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: { type: 'object', properties: { a: { anyOf: [{ type: 'string' }, { type: 'null' }] } } } },
                'application/merge-patch+json': { schema: { $ref: '#/components/schemas/Thing' } },
              },
            },
            responses: { 201: { description: 'Created | new', headers: { Location: {}, ETag: {} } }, 412: { description: 'Stale' } },
          },
        },
      },
    });
    expect(md).toContain('### HEAD /api/things/{id}\n');
    expect(md).toContain('Operation `headThing`; caller: anyone (no sign-in).');
    expect(md).toMatch(/\| 200 \| Headers only \| {2}\| `ETag` \|/);
    expect(md).toMatch(/\| 201 \| Created \\\| new \| {2}\| `Location`, `ETag` \|/);
    expect(md).toContain('- `application/merge-patch+json`: [Thing](#schema-thing)');
    expect(md).toContain('| `a` | string \\| null |  |  |');
    expect(md).toContain('caller: signed in (`easyAuth`)');
    expect(md).not.toContain('## Schemas');
  });
});
