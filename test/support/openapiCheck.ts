/**
 * A validating proxy in the test client: every answer a test receives through `call()` is checked
 * against the service's own OpenAPI document (the one /api/openapi.json serves). The status must
 * be declared for the operation, the media type declared for that status, and a JSON body must
 * validate against its schema. Disagreements are collected and fail the test file (setupEnv.ts).
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { buildOpenApi } from '../../src/api/openapi';

interface MediaObject {
  schema?: Record<string, unknown>;
}
interface ResponseObject {
  content?: Record<string, MediaObject>;
}
interface OperationObject {
  operationId: string;
  responses: Record<string, ResponseObject>;
}

const doc = buildOpenApi() as { paths: Record<string, Record<string, OperationObject>>; components: Record<string, unknown> };
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, ValidateFunction>();

const routes = Object.entries(doc.paths).map(([path, item]) => ({
  pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}/?$`, 'i'),
  item,
}));

function validator(key: string, schema: Record<string, unknown>): ValidateFunction {
  let v = validators.get(key);
  if (!v) {
    // The fragment's $refs point into the document's components: give it the components.
    v = ajv.compile({ ...schema, components: doc.components });
    validators.set(key, v);
  }
  return v;
}

/** The violations: undocumented status, media type, or a JSON body its schema refuses. Empty when it agrees. */
export function checkResponse(method: string, url: string, status: number, contentType: string | null, body: unknown): string[] {
  const path = new URL(url, 'http://x').pathname;
  const route = routes.find((r) => r.pattern.test(path));
  const operation = route?.item[method.toLowerCase()];
  // Not one of the API's operations (the runner's own paths, unknown routes, OPTIONS).
  if (!operation) return [];
  const where = `${method} ${path.slice(0, 80)} -> ${status}`;
  // `default` stands for the service's own failures (500), not for an undocumented client error.
  const response = operation.responses[String(status)] ?? (status === 500 ? operation.responses.default : undefined);
  if (!response) return [`${where}: status not documented for ${operation.operationId}`];
  if (method === 'HEAD' || status === 204 || (body === '' && !contentType)) return [];
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const declared = response.content ?? {};
  if (!(media in declared)) return [`${where}: media type ${media || '(none)'} not documented (has ${Object.keys(declared).join(', ')})`];
  const schema = declared[media]?.schema;
  if (!schema || !media.includes('json')) return [];
  const validate = validator(`${operation.operationId} ${status} ${media}`, schema);
  if (validate(body)) return [];
  return [`${where}: body disagrees with the schema: ${ajv.errorsText(validate.errors).slice(0, 400)}`];
}

/** Every disagreement seen by this test file. */
export const disagreements: string[] = [];
