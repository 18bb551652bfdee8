/**
 * Names the Table Storage endpoint a configuration points at (never the account key), so that a
 * start-up or seed that cannot reach storage says where it looked.
 */
import type { Config } from '../config';

const part = (connectionString: string, key: string): string | undefined =>
  connectionString
    .split(';')
    .map((p) => p.trim())
    .find((p) => p.toLowerCase().startsWith(`${key.toLowerCase()}=`))
    ?.slice(key.length + 1);

export function tableEndpointOf(tables: Config['tables']): string {
  if ('endpoint' in tables) return tables.endpoint;
  const cs = tables.connectionString;
  const explicit = part(cs, 'TableEndpoint');
  if (explicit) return explicit;
  if (part(cs, 'UseDevelopmentStorage')?.toLowerCase() === 'true') return 'http://127.0.0.1:10002/devstoreaccount1';
  const account = part(cs, 'AccountName');
  const protocol = part(cs, 'DefaultEndpointsProtocol') ?? 'https';
  return account
    ? `${protocol}://${account}.table.${part(cs, 'EndpointSuffix') ?? 'core.windows.net'}`
    : '(no endpoint in the connection string)';
}

/** The message for storage that does not answer, naming the endpoint and the setting it came from. */
export function unreachableStorageMessage(tables: Config['tables'], hint: string): string {
  const setting = 'endpoint' in tables ? 'TABLES_ENDPOINT' : 'TABLES_CONNECTION_STRING';
  return `Table Storage does not answer at ${tableEndpointOf(tables)} (from ${setting}). ${hint}`;
}
