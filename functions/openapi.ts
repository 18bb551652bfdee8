import { operations } from '../src/api/operations';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

let document: Record<string, unknown> | undefined;

export const openapi = endpoint(operations.openapi)(async () => {
  // Loaded on the first request. The deployed bundle has the document made at build time in
  // place of this module (scripts/build.mjs, `LAZY`); from the sources it is generated here.
  document ??= (await import('../src/api/openapi.js')).buildOpenApi();
  return { status: 200, headers: { 'Cache-Control': 'public, max-age=300' }, json: document };
});

register(operations.openapi, openapi);
