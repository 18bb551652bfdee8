/** The OpenAPI 3.1 document, generated from the operations and their zod schemas. */
import { z } from 'zod';
import { operations, type Operation } from './operations';
import { ProblemSchema } from './schemas';

type Json = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad input (per-field errors)',
  401: 'Not signed in',
  403: 'Not allowed (role, enrolment, tenant, cross-site)',
  404: 'Not found (also for other partners’ resources)',
  409: 'Conflicts with the current state',
  410: 'The invitation link is no longer valid',
  412: 'The If-Match etag does not match',
  413: 'Body over 64 KiB',
  415: 'Unsupported content type',
  503: 'Storage unavailable (Retry-After)',
};

function errorStatuses(op: Operation): number[] {
  const s = new Set<number>([503]);
  if (op.access !== 'anonymous' || op.name === 'acceptInvitation') s.add(401);
  if (op.access === 'partner' || op.name === 'acceptInvitation') s.add(403);
  if (op.params) s.add(404);
  if (op.query || op.body) s.add(400);
  if (op.body) [413, 415].forEach((x) => s.add(x));
  if (['createInvitation', 'sendInvitation', 'revokeInvitation', 'acceptInvitation'].includes(op.name)) s.add(409);
  if (op.name.startsWith('accept')) s.add(410);
  if (op.name === 'removeRelationship') s.add(412);
  return [...s].sort();
}

export function buildOpenApi(): Json {
  const components: Record<string, unknown> = {};
  const convert = (schema: z.ZodType, io: 'input' | 'output'): Json => {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io }) as Json;
    const defs = (json.$defs ?? {}) as Record<string, unknown>;
    delete json.$defs;
    delete json.$schema;
    const fix = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replaceAll('"#/$defs/', '"#/components/schemas/'));
    for (const [k, v] of Object.entries(defs)) components[k] ??= fix(v);
    // A top-level schema with an id becomes a component too.
    const id = z.globalRegistry.get(schema)?.id;
    if (id) {
      components[id] ??= fix(json);
      return { $ref: `#/components/schemas/${id}` };
    }
    return fix(json) as Json;
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of Object.values(operations) as Operation[]) {
    const path = `/api/${op.route}`;
    const parameters: Json[] = [];
    for (const [where, schema] of [
      ['path', op.params],
      ['query', op.query],
    ] as const) {
      if (!schema) continue;
      const obj = convert(schema, 'input');
      const props = (obj.properties ?? {}) as Record<string, unknown>;
      const required = new Set((obj.required ?? []) as string[]);
      for (const [name, s] of Object.entries(props))
        parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema: s });
    }
    for (const method of op.methods) {
      if (method === 'HEAD') continue;
      const responses: Record<string, unknown> = {
        [op.status]: op.html
          ? { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } }
          : {
              description: 'Success',
              ...(op.response ? { content: { 'application/json': { schema: convert(op.response, 'output') } } } : {}),
            },
      };
      for (const s of errorStatuses(op)) {
        responses[s] = {
          description: STATUS_TEXT[s] ?? 'Error',
          content: { 'application/problem+json': { schema: convert(ProblemSchema, 'output') } },
        };
      }
      const body = op.body
        ? {
            requestBody: {
              required: !op.optionalBody,
              content: {
                'application/json': { schema: convert(op.body, 'input') },
                ...(op.form ? { 'application/x-www-form-urlencoded': { schema: convert(op.body, 'input') } } : {}),
              },
            },
          }
        : {};
      (paths[path] ??= {})[method.toLowerCase()] = {
        operationId: op.name,
        summary: op.summary,
        ...(op.access === 'anonymous' ? { security: [] } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...body,
        responses,
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Reseller relationships API',
      version: '1.0.0',
      description: 'Partners invite customers to reseller relationships; customers accept; partners list and remove them.',
    },
    servers: [{ url: '/' }],
    security: [{ easyAuth: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        easyAuth: { type: 'http', scheme: 'bearer', description: 'A Microsoft Entra ID token validated by App Service Authentication' },
      },
    },
  };
}
