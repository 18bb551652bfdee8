import { buildOpenApi } from '../src/api/openapi';
import { operations } from '../src/api/operations';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

let document: Record<string, unknown> | undefined;

export const openapi = endpoint(operations.openapi)(async () => {
  document ??= buildOpenApi();
  return { status: 200, headers: { 'Cache-Control': 'public, max-age=300' }, json: document };
});

register(operations.openapi, openapi);
