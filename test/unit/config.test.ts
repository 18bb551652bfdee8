import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadRunnerSettings, loadStorageConfig } from '../../src/config';

const base = {
  TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  QUEUES_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  PUBLIC_BASE_URL: 'https://relationships.example.com/',
  INVITATION_SIGNING_KEY: 'k'.repeat(32),
};

function errorOf(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('parses a valid local configuration with defaults', () => {
    const c = loadConfig(base);
    expect(c.tables).toEqual({ connectionString: 'UseDevelopmentStorage=true' });
    expect(c.publicBaseUrl).toBe('https://relationships.example.com');
    expect(c.invitationTtlDays).toBe(30);
    expect(c.email).toEqual({ kind: 'none' });
    expect(c.tablePrefix).toBe('');
  });

  it('uses the endpoint and ACS endpoint in Azure', () => {
    const c = loadConfig({
      TABLES_ENDPOINT: 'https://acct.table.core.windows.net',
      QUEUES_ENDPOINT: 'https://acct.queue.core.windows.net',
      PUBLIC_BASE_URL: 'https://x.azurewebsites.net',
      INVITATION_SIGNING_KEY: 's'.repeat(40),
      ACS_ENDPOINT: 'https://acs.communication.azure.com',
      EMAIL_SENDER_ADDRESS: 'DoNotReply@example.azurecomm.net',
      INVITATION_TTL_DAYS: '7',
      AZURE_CLIENT_ID: '0b4a4a7e-3e36-4c3a-9d5f-1a2b3c4d5e6f',
    });
    expect(c.tables).toEqual({ endpoint: 'https://acct.table.core.windows.net' });
    expect(c.email).toEqual({
      kind: 'endpoint',
      endpoint: 'https://acs.communication.azure.com',
      sender: 'DoNotReply@example.azurecomm.net',
    });
    expect(c.invitationTtlDays).toBe(7);
    expect(c.managedIdentityClientId).toBe('0b4a4a7e-3e36-4c3a-9d5f-1a2b3c4d5e6f');
    expect(c.queues).toEqual({ endpoint: 'https://acct.queue.core.windows.net' });
    expect(c.webhooks).toEqual({ allowPrivateTargets: false, retryScale: 1 });
  });

  it('reads the webhook settings', () => {
    expect(loadConfig({ ...base, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_RETRY_SCALE: '0.001' }).webhooks).toEqual({
      allowPrivateTargets: true,
      retryScale: 0.001,
    });
    expect(loadConfig(base).queues).toEqual({ connectionString: 'UseDevelopmentStorage=true' });
    expect(errorOf({ ...base, QUEUES_CONNECTION_STRING: undefined })).toContain(
      'QUEUES_CONNECTION_STRING: set QUEUES_CONNECTION_STRING or QUEUES_ENDPOINT',
    );
    expect(errorOf({ ...base, QUEUES_ENDPOINT: 'http://queues.example.com' })).toContain('QUEUES_ENDPOINT');
    expect(errorOf({ ...base, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'yes' })).toContain('WEBHOOK_ALLOW_PRIVATE_TARGETS: must be true or false');
    for (const v of ['0', '-1', '2', 'fast']) expect(errorOf({ ...base, WEBHOOK_RETRY_SCALE: v })).toContain('WEBHOOK_RETRY_SCALE');
  });

  it.each([
    [{ INVITATION_TTL_DAYS: '0' }, 'INVITATION_TTL_DAYS'],
    [{ INVITATION_TTL_DAYS: '91' }, 'INVITATION_TTL_DAYS'],
    [{ INVITATION_TTL_DAYS: 'soon' }, 'INVITATION_TTL_DAYS'],
    [{ INVITATION_TTL_DAYS: '1.5' }, 'INVITATION_TTL_DAYS'],
    [{ INVITATION_SIGNING_KEY: 'short' }, 'INVITATION_SIGNING_KEY'],
    [{ INVITATION_SIGNING_KEY: undefined }, 'INVITATION_SIGNING_KEY'],
    [{ PUBLIC_BASE_URL: 'not a url' }, 'PUBLIC_BASE_URL'],
    [{ PUBLIC_BASE_URL: 'http://public.example.com' }, 'PUBLIC_BASE_URL'],
    [{ PUBLIC_BASE_URL: 'ftp://localhost' }, 'PUBLIC_BASE_URL'],
    [{ TABLES_CONNECTION_STRING: undefined }, 'TABLES_CONNECTION_STRING'],
    [{ TABLES_CONNECTION_STRING: 'nonsense' }, 'TABLES_CONNECTION_STRING'],
    [{ TABLE_PREFIX: '1abc' }, 'TABLE_PREFIX'],
    [{ TABLE_PREFIX: 'a-b' }, 'TABLE_PREFIX'],
    [{ ACS_ENDPOINT: 'https://acs.example.com' }, 'EMAIL_SENDER_ADDRESS'],
    [{ EMAIL_SENDER_ADDRESS: 'x@example.com' }, 'EMAIL_SENDER_ADDRESS'],
    [{ ACS_ENDPOINT: 'http://acs.example.com', EMAIL_SENDER_ADDRESS: 'x@example.com' }, 'ACS_ENDPOINT'],
    [{ AZURE_CLIENT_ID: 'me' }, 'AZURE_CLIENT_ID'],
    [{ OPERATOR_TENANT_ID: 'contoso.onmicrosoft.com' }, 'OPERATOR_TENANT_ID: must be a tenant ID (a UUID)'],
  ])('rejects %j naming %s', (patch, name) => {
    expect(errorOf({ ...base, ...patch })).toContain(name);
  });

  it('reads OPERATOR_TENANT_ID (optional, lower-cased): without it the operator API is off', () => {
    expect(loadConfig(base).operatorTenantId).toBeUndefined();
    expect(loadConfig({ ...base, OPERATOR_TENANT_ID: ' ' }).operatorTenantId).toBeUndefined();
    expect(loadConfig({ ...base, OPERATOR_TENANT_ID: 'A1B2C3D4-0000-4000-8000-00000000000A' }).operatorTenantId).toBe(
      'a1b2c3d4-0000-4000-8000-00000000000a',
    );
  });

  it('allows plain http only on loopback', () => {
    expect(loadConfig({ ...base, PUBLIC_BASE_URL: 'http://127.0.0.1:7071' }).publicBaseUrl).toBe('http://127.0.0.1:7071');
    expect(loadConfig({ ...base, PUBLIC_BASE_URL: 'http://localhost:7071' }).publicBaseUrl).toBe('http://localhost:7071');
  });

  it('treats empty settings as unset', () => {
    expect(loadConfig({ ...base, INVITATION_TTL_DAYS: '', TABLE_PREFIX: ' ' }).invitationTtlDays).toBe(30);
  });

  it('lists every problem at once', () => {
    const msg = errorOf({});
    expect(msg).toContain('PUBLIC_BASE_URL');
    expect(msg).toContain('INVITATION_SIGNING_KEY');
    expect(msg).toContain('TABLES_CONNECTION_STRING');
  });

  it('parses the runner settings', () => {
    expect(loadRunnerSettings({})).toEqual({ PORT: 7071, AZURITE_TABLE_PORT: 10002, AZURITE_QUEUE_PORT: 10001, CORS_ALLOWED_ORIGINS: [] });
    expect(loadRunnerSettings({ CORS_ALLOWED_ORIGINS: 'http://localhost:5173, https://portal.example.com' }).CORS_ALLOWED_ORIGINS).toEqual([
      'http://localhost:5173',
      'https://portal.example.com',
    ]);
    expect(() => loadRunnerSettings({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadRunnerSettings({ CORS_ALLOWED_ORIGINS: 'https://portal.example.com/app' })).toThrow(/CORS_ALLOWED_ORIGINS/);
  });

  it('needs only storage settings for seeding', () => {
    expect(loadStorageConfig({ TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).tables).toEqual({
      connectionString: 'UseDevelopmentStorage=true',
    });
    expect(() => loadStorageConfig({})).toThrow(/TABLES_CONNECTION_STRING/);
  });
});
