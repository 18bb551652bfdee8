/**
 * The cold-start floor: the least a function of getPartner's shape can do. One HTTP function on
 * `@azure/functions`, registered with the host the same way (src/http/register.ts), reading the
 * caller's tenant from x-ms-client-principal and the partner's row with one `@azure/data-tables`
 * point read; no config module, no validation, no domain. bench/bundle.ts bundles it exactly
 * as scripts/build.mjs bundles the service, and bench/startup.ts starts both cold.
 */
import { TableClient } from '@azure/data-tables';
import { app, type HttpHandler, type HttpRequest, type HttpResponseInit } from '@azure/functions';

let client: TableClient | undefined;

const getPartner: HttpHandler = async (request: HttpRequest): Promise<HttpResponseInit> => {
  const header = request.headers.get('x-ms-client-principal') ?? '';
  const { claims } = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { claims: { typ: string; val: string }[] };
  const tenantId = claims.find((c) => c.typ === 'http://schemas.microsoft.com/identity/claims/tenantid' || c.typ === 'tid')?.val ?? '';
  client ??= TableClient.fromConnectionString(process.env.TABLES_CONNECTION_STRING ?? '', `${process.env.TABLE_PREFIX ?? ''}data`, {
    allowInsecureConnection: true,
  });
  // The partner's record, where the service keeps it (src/storage/layout.ts: `ptn|record` in its partition).
  const row = await client.getEntity<{ doc: string }>(tenantId, 'ptn|record');
  const { name, kind } = JSON.parse(row.doc) as { name: string; kind: string };
  return { status: 200, jsonBody: { id: tenantId, name, kind } };
};

const functions = [{ operation: { name: 'getPartner' }, handler: getPartner }];

function underFunctionsHost(): boolean {
  try {
    require('@azure/functions-core');
    return true;
  } catch {
    return false;
  }
}

if (underFunctionsHost()) app.http('getPartner', { methods: ['GET'], route: 'partners/me', authLevel: 'anonymous', handler: getPartner });

/** The same export as the service's bundle, for the start-up probe. */
export function registeredFunctions(): typeof functions {
  return functions;
}
