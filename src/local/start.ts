/**
 * `npm start`: embedded Azurite (unless TABLES_CONNECTION_STRING/TABLES_ENDPOINT points
 * elsewhere), the demo partners, and every function on PORT. Ctrl-C stops all of it.
 */
import { API_PREFIX } from '../api/paths';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, loadConfig, loadRunnerSettings } from '../config';
import { buildDeps, setDeps } from '../deps';
import { UnavailableError } from '../domain/errors';
import { encodePrincipal } from '../http/principal';
import { azuriteConnectionString, azuriteQueueConnectionString, portAnswers, startAzurite, type RunningAzurite } from './azurite';
import { startQueuePollers } from './queues';
import { loadFunctions, startRunner } from './runner';
import { startTimers } from './timers';
import { seedFile } from './seed';
import { unreachableStorageMessage } from './storageEndpoint';

const DEMO_FILE = join(__dirname, '..', '..', '..', 'demo', 'partners.json');
const DEMO_RESELLER = '8c2f4a51-3b7e-4d1a-9f60-2b5e7c9d1a01';
/** The operator tenant of local runs (README, "Operator"), unless OPERATOR_TENANT_ID says otherwise. */
const DEMO_OPERATOR_TENANT = '0c0a7e11-0b5e-4e2a-9d3c-6f1e2d3c4b05';

let azurite: RunningAzurite | undefined;
let azuriteQueues: RunningAzurite | undefined;

async function stop(code: number): Promise<never> {
  await Promise.all([azurite?.stop(), azuriteQueues?.stop()]);
  process.exit(code);
}

async function main(): Promise<void> {
  const started = Date.now();
  const env = process.env;
  const runner = loadRunnerSettings(env);
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const embedded = !env.TABLES_CONNECTION_STRING && !env.TABLES_ENDPOINT;
  env.PUBLIC_BASE_URL ||= `http://localhost:${runner.PORT}`;
  // Told once start-up has succeeded: a failed start shows its reason alone.
  const notes: string[] = [];
  if (!env.OPERATOR_TENANT_ID) {
    env.OPERATOR_TENANT_ID = DEMO_OPERATOR_TENANT;
    notes.push(`OPERATOR_TENANT_ID not set: the operator API (/api/admin) takes the Operator role of tenant ${DEMO_OPERATOR_TENANT}.`);
  }
  if (!env.INVITATION_SIGNING_KEY) {
    env.INVITATION_SIGNING_KEY = randomBytes(32).toString('base64url');
    notes.push('INVITATION_SIGNING_KEY not set: using a random key for this run (links die with it).');
  }
  // The embedded Azurite's connection string is known before it starts, so every setting is
  // checked before anything is started.
  if (embedded) env.TABLES_CONNECTION_STRING = azuriteConnectionString(runner.AZURITE_TABLE_PORT);
  // Webhooks: Azurite's Queue service unless QUEUES_* points elsewhere; local receivers allowed.
  const embeddedQueues = !env.QUEUES_CONNECTION_STRING && !env.QUEUES_ENDPOINT;
  if (embeddedQueues) env.QUEUES_CONNECTION_STRING = azuriteQueueConnectionString(runner.AZURITE_QUEUE_PORT);
  env.WEBHOOK_ALLOW_PRIVATE_TARGETS ||= 'true';
  const config = loadConfig(env);
  const portTaken = () => new Error(`Port ${runner.PORT} is already in use; set PORT to a free port.`);
  // Before anything is started, as for Azurite's port; the listen error below is the backstop.
  if (await portAnswers(runner.PORT)) throw portTaken();
  if (embedded) {
    azurite = await startAzurite({ port: runner.AZURITE_TABLE_PORT });
    console.log(`Azurite (Table, in memory) on 127.0.0.1:${azurite.port}`);
  }
  if (embeddedQueues) {
    azuriteQueues = await startAzurite({ port: runner.AZURITE_QUEUE_PORT, service: 'queue' });
    console.log(`Azurite (Queue, in memory) on 127.0.0.1:${azuriteQueues.port}`);
  }
  const deps = buildDeps(config);
  setDeps(deps);

  const n = await seedFile(deps, DEMO_FILE).catch((err: unknown) => {
    if (!(err instanceof UnavailableError)) throw err;
    throw new Error(
      unreachableStorageMessage(
        config.tables,
        'Is it running? Unset TABLES_CONNECTION_STRING and TABLES_ENDPOINT to let npm start run its own Azurite.',
      ),
    );
  });
  const functions = await loadFunctions();
  const server = await startRunner({
    port: runner.PORT,
    corsOrigins: runner.CORS_ALLOWED_ORIGINS,
    portalDir: join(__dirname, '..', '..', 'portal'),
  }).catch((err: unknown) => {
    throw (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? portTaken() : err;
  });
  startQueuePollers({ config, log: (level, message) => (level === 'information' ? console.log : console.warn)(`[${level}] ${message}`) });
  startTimers(60_000, (level, message) => (level === 'information' ? console.log : console.warn)(`[${level}] ${message}`));

  const principal = encodePrincipal({ tenantId: DEMO_RESELLER, userId: 'demo-user', name: 'ana@fabrikam.example', roles: ['AdminAgent'] });
  for (const note of notes) console.log(note);
  console.log(`Seeded ${n} demo partners.`);
  console.log(`Email: ${config.email.kind === 'none' ? 'not configured (drafts only)' : 'Azure Communication Services'}`);
  console.log(`Serving ${functions.length} functions on ${server.url}/api (ready in ${Date.now() - started} ms)`);
  for (const f of functions) console.log(`  ${f.operation.methods.join(',').padEnd(9)} ${API_PREFIX}/${f.operation.route}`);
  console.log(`Partner portal: ${server.url}/portal/ (sign in as the demo reseller: tenant ${DEMO_RESELLER}, role AdminAgent)`);
  console.log('\nTry:');
  console.log(`  curl ${server.url}/api/health`);
  console.log(`  curl -H "x-ms-client-principal: ${principal}" ${server.url}/api/partners/me`);
  console.log('\nCtrl-C stops everything.');
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err instanceof Error ? `Start-up failed: ${err.message}` : String(err));
  void stop(1);
});
