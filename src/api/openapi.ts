/** The OpenAPI 3.1 document, generated from the operations and their zod schemas. */
import * as z from '../zod';
import { API_PREFIX } from './paths';
import { operations, type Operation, type ResponseSpec } from './operations';
import { ProblemSchema } from './schemas';

type Json = Record<string, unknown>;

export function buildOpenApi(): Json {
  const components: Record<string, unknown> = {};
  const convert = (schema: z.ZodMiniType, io: 'input' | 'output'): Json => {
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
    const path = `${API_PREFIX}/${op.route}`;
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
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries<ResponseSpec>(op.responses)) {
      const content: Record<string, unknown> = {};
      if (spec.json) content['application/json'] = { schema: convert(spec.json, 'output') };
      if (spec.problem) content['application/problem+json'] = { schema: convert(ProblemSchema, 'output') };
      if (spec.html) content['text/html'] = { schema: { type: 'string' } };
      responses[status] = {
        description: spec.description,
        ...(spec.headers ? { headers: Object.fromEntries(spec.headers.map((h) => [h, { schema: { type: 'string' } }])) } : {}),
        content,
      };
    }
    // Whatever the operation, a failure on our side is a 500 problem (never for client input).
    responses.default = {
      description: 'Unexpected error on the service side (problem+json, with the request id)',
      content: { 'application/problem+json': { schema: convert(ProblemSchema, 'output') } },
    };
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
    for (const method of op.methods) {
      const head = method === 'HEAD';
      (paths[path] ??= {})[method.toLowerCase()] = {
        operationId: head ? `${op.name}Head` : op.name,
        summary: head ? `${op.summary}: headers only` : op.summary,
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
