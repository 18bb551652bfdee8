/**
 * The one configuration module. Every app setting the service reads is declared here, parsed
 * with zod once, and a bad value stops start-up with a message naming the setting.
 * Nothing else in the code base reads `process.env`.
 */
import * as z from './zod';

/** zod's `preprocess`: `prepare` runs on the raw value before the schema reads it. */
const preprocess = <T extends z.ZodMiniType>(prepare: (v: unknown) => unknown, schema: T) => z.pipe(z.transform(prepare), schema);

/** An unset setting and an empty one mean the same: not set. */
const optional = <T extends z.ZodMiniType>(schema: T) =>
  preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.optional(schema));

type Env = Record<string, string | undefined>;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True for hosts on this machine: the only hosts allowed over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** An absolute URL that is https, or http on a loopback host only. */
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).check(
  z.refine((v) => {
    const u = URL.canParse(v) ? new URL(v) : undefined;
    return !u || u.protocol === 'https:' || isLoopbackHost(u.hostname);
  }, 'must use https (plain http is allowed only for localhost)'),
);
const withoutTrailingSlash = (url: z.ZodMiniType<string, string>) =>
  z.pipe(
    url,
    z.transform((v: string) => v.replace(/\/+$/, '')),
  );
const serviceUrl = withoutTrailingSlash(httpUrl);

const connectionString = z.string().check(z.refine((v) => /[A-Za-z]+=[^;]+/.test(v), 'must be a connection string of key=value pairs'));

const intSetting = (min: number, max: number, fallback: number) => {
  const rule = `must be a whole number from ${min} to ${max}`;
  return preprocess(
    (v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? fallback : Number(v)),
    z.number({ error: rule }).check(z.int(rule), z.gte(min, rule), z.lte(max, rule)),
  );
};

/** The service's settings (SPEC "Configuration"), each on its own. */
export const settingsSchema = z.object({
  TABLES_CONNECTION_STRING: optional(connectionString),
  TABLES_ENDPOINT: optional(serviceUrl),
  TABLE_PREFIX: optional(
    z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9]{0,31}$/, 'must start with a letter and hold only letters and digits (at most 32)')),
  ),
  PUBLIC_BASE_URL: serviceUrl,
  INVITATION_SIGNING_KEY: z.string({ error: 'is required (a secret of at least 32 characters)' }).check(
    z.minLength(32, 'must be at least 32 characters long'),
    z.refine((v) => !v.startsWith('@Microsoft.KeyVault('), 'is an unresolved Key Vault reference: check the identity and the secret URI'),
  ),
  INVITATION_TTL_DAYS: intSetting(1, 90, 30),
  /** Distinct messages one invitation may be sent (a retry of the same draft does not count). */
  SEND_LIMIT_PER_INVITATION: intSetting(1, 100, 5),
  /** Distinct messages one partner may send per UTC day, across every instance. */
  SEND_LIMIT_PER_PARTNER_PER_DAY: intSetting(1, 100_000, 200),
  ACS_CONNECTION_STRING: optional(connectionString),
  // Managed-identity tokens are only ever sent over https.
  ACS_ENDPOINT: optional(withoutTrailingSlash(httpUrl.check(z.refine((v) => v.startsWith('https://'), 'must be an https URL')))),
  EMAIL_SENDER_ADDRESS: optional(z.email('must be an email address')),
  /** Client ID of the user-assigned managed identity (Azure only). */
  AZURE_CLIENT_ID: optional(z.uuid('must be a client ID (a UUID)')),
  /** The operator's Entra tenant: its `Operator` role holders use /api/admin (off when unset). */
  OPERATOR_TENANT_ID: optional(z.uuid('must be a tenant ID (a UUID)').check(z.toLowerCase())),
  /** Azure Storage Queues (the webhook delivery work): a connection string (Azurite) or the queue endpoint (identity). */
  QUEUES_CONNECTION_STRING: optional(connectionString),
  QUEUES_ENDPOINT: optional(serviceUrl),
  /** Days events (the feed) and their delivery records are kept; audit events are kept regardless. */
  EVENT_RETENTION_DAYS: intSetting(1, 3650, 90),
  /** Local runs only: webhooks may target http and private addresses (never in Azure). */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: optional(z.enum(['true', 'false'], { error: 'must be true or false' })),
  /** Multiplies the webhook retry schedule (tests shrink it; 1 in Azure). */
  WEBHOOK_RETRY_SCALE: preprocess(
    (v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? 1 : Number(v)),
    z
      .number({ error: 'must be a number above 0, at most 1' })
      .check(z.gt(0, 'must be a number above 0, at most 1'), z.lte(1, 'must be a number above 0, at most 1')),
  ),
});

/** Rules between settings, checked on the raw values so every problem is told at once. */
function crossChecks(env: Env, names: readonly string[]): string[] {
  const set = (k: string) => typeof env[k] === 'string' && env[k].trim() !== '';
  const problems: string[] = [];
  if (!set('TABLES_CONNECTION_STRING') && !set('TABLES_ENDPOINT')) {
    problems.push('  TABLES_CONNECTION_STRING: set TABLES_CONNECTION_STRING or TABLES_ENDPOINT');
  }
  if (names.includes('QUEUES_ENDPOINT') && !set('QUEUES_CONNECTION_STRING') && !set('QUEUES_ENDPOINT')) {
    problems.push('  QUEUES_CONNECTION_STRING: set QUEUES_CONNECTION_STRING or QUEUES_ENDPOINT');
  }
  if (names.includes('EMAIL_SENDER_ADDRESS')) {
    const acs = set('ACS_CONNECTION_STRING') || set('ACS_ENDPOINT');
    if (acs && !set('EMAIL_SENDER_ADDRESS'))
      problems.push('  EMAIL_SENDER_ADDRESS: is required when ACS_CONNECTION_STRING or ACS_ENDPOINT is set');
    if (!acs && set('EMAIL_SENDER_ADDRESS'))
      problems.push('  EMAIL_SENDER_ADDRESS: is set but neither ACS_CONNECTION_STRING nor ACS_ENDPOINT is');
  }
  return problems;
}

/** The settings of the local runner only (never read in Azure). */
export const runnerSettingsSchema = z.object({
  PORT: intSetting(1, 65535, 7071),
  AZURITE_TABLE_PORT: intSetting(1, 65535, 10002),
  AZURITE_QUEUE_PORT: intSetting(1, 65535, 10001),
  CORS_ALLOWED_ORIGINS: preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean)
        : [],
    // One message per bad entry, naming it (an entry's index means nothing to whoever wrote the list).
    z.pipe(
      z.array(z.string()),
      z.transform((entries: string[], ctx) =>
        entries.flatMap((o) => {
          const url = URL.canParse(o) ? new URL(o) : undefined;
          if (url && /^https?:$/.test(url.protocol) && url.origin === o.replace(/\/$/, '')) return [url.origin];
          ctx.issues.push({
            code: 'custom',
            message: `"${o}" is not an origin: write scheme://host[:port] without a path, such as http://localhost:5173`,
            input: o,
          });
          return [];
        }),
      ),
    ),
  ),
});

/** Names of every setting the code reads (the infrastructure test checks the Bicep against it). */
export const SETTING_NAMES = Object.keys(settingsSchema.shape) as (keyof typeof settingsSchema.shape)[];

export type Settings = z.output<typeof settingsSchema>;
export type RunnerSettings = z.output<typeof runnerSettingsSchema>;

export interface Config {
  tables: { connectionString: string } | { endpoint: string };
  tablePrefix: string;
  publicBaseUrl: string;
  signingKey: string;
  invitationTtlDays: number;
  sendLimits: { perInvitation: number; perPartnerPerDay: number };
  email:
    | { kind: 'none' }
    | { kind: 'connectionString'; connectionString: string; sender: string }
    | { kind: 'endpoint'; endpoint: string; sender: string };
  managedIdentityClientId: string | undefined;
  operatorTenantId?: string | undefined;
  queues: { connectionString: string } | { endpoint: string };
  webhooks: { allowPrivateTargets: boolean; retryScale: number };
  /** EVENT_RETENTION_DAYS */
  eventRetentionDays: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function describe(error: z.ZodError | undefined): string[] {
  return (error?.issues ?? []).map((i) => `  ${i.path.join('.') || '(settings)'}: ${i.message}`);
}

function parseSettings<S extends z.ZodMiniObject>(schema: S, env: Env): z.output<S> {
  const parsed = schema.safeParse(env);
  const problems = [...describe(parsed.error), ...crossChecks(env, Object.keys(schema.shape))];
  if (!parsed.success || problems.length) {
    throw new ConfigError(`Invalid configuration; fix these app settings:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

export function loadConfig(env: Env = process.env): Config {
  const s = parseSettings(settingsSchema, env);
  const sender = s.EMAIL_SENDER_ADDRESS ?? '';
  return {
    // A connection string wins: it is how local runs (Azurite) are configured.
    tables: s.TABLES_CONNECTION_STRING ? { connectionString: s.TABLES_CONNECTION_STRING } : { endpoint: s.TABLES_ENDPOINT ?? '' },
    tablePrefix: s.TABLE_PREFIX ?? '',
    publicBaseUrl: s.PUBLIC_BASE_URL,
    signingKey: s.INVITATION_SIGNING_KEY,
    invitationTtlDays: s.INVITATION_TTL_DAYS,
    sendLimits: { perInvitation: s.SEND_LIMIT_PER_INVITATION, perPartnerPerDay: s.SEND_LIMIT_PER_PARTNER_PER_DAY },
    email: s.ACS_CONNECTION_STRING
      ? { kind: 'connectionString', connectionString: s.ACS_CONNECTION_STRING, sender }
      : s.ACS_ENDPOINT
        ? { kind: 'endpoint', endpoint: s.ACS_ENDPOINT, sender }
        : { kind: 'none' },
    managedIdentityClientId: s.AZURE_CLIENT_ID,
    operatorTenantId: s.OPERATOR_TENANT_ID,
    queues: s.QUEUES_CONNECTION_STRING ? { connectionString: s.QUEUES_CONNECTION_STRING } : { endpoint: s.QUEUES_ENDPOINT ?? '' },
    webhooks: { allowPrivateTargets: s.WEBHOOK_ALLOW_PRIVATE_TARGETS === 'true', retryScale: s.WEBHOOK_RETRY_SCALE },
    eventRetentionDays: s.EVENT_RETENTION_DAYS,
  };
}

/**
 * The queue of webhook deliveries: TABLE_PREFIX (lower-cased) keeps test runs apart, as it does
 * for tables. Read at registration by the queue trigger, which needs its name before any config.
 */
export function eventQueueName(env: Env = process.env): string {
  return queueNameFor((env.TABLE_PREFIX ?? '').trim());
}

export const queueNameFor = (tablePrefix: string) => `${tablePrefix.toLowerCase()}webhook-events`;

/** The queue of deliveries waiting for their own partner (a slot, a probe): the queue's `waiting` lane. */
export function waitingQueueName(env: Env = process.env): string {
  return waitingQueueNameFor((env.TABLE_PREFIX ?? '').trim());
}

export const waitingQueueNameFor = (tablePrefix: string) => `${tablePrefix.toLowerCase()}webhook-waiting`;

export function loadRunnerSettings(env: Env = process.env): RunnerSettings {
  const parsed = runnerSettingsSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid local runner settings:\n${describe(parsed.error).join('\n')}`);
  }
  return parsed.data;
}

/** The storage settings alone, for `npm run seed`, which needs nothing else. */
export function loadStorageConfig(env: Env = process.env): Pick<Config, 'tables' | 'tablePrefix' | 'managedIdentityClientId'> {
  const s = parseSettings(
    z.pick(settingsSchema, { TABLES_CONNECTION_STRING: true, TABLES_ENDPOINT: true, TABLE_PREFIX: true, AZURE_CLIENT_ID: true }),
    env,
  );
  return {
    tables: s.TABLES_CONNECTION_STRING ? { connectionString: s.TABLES_CONNECTION_STRING } : { endpoint: s.TABLES_ENDPOINT ?? '' },
    tablePrefix: s.TABLE_PREFIX ?? '',
    managedIdentityClientId: s.AZURE_CLIENT_ID,
  };
}
