import { afterAll, expect, inject } from 'vitest';
import { disagreements } from './openapiCheck';
import { randomBytes } from 'node:crypto';

// Every test file gets the shared Azurite and its own table prefix, so files never see each
// other's data. Nothing here reads a developer's own settings.
process.env.TABLES_CONNECTION_STRING = inject('tablesConnectionString');
process.env.QUEUES_CONNECTION_STRING = inject('queuesConnectionString');
process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = 'true';
process.env.TABLE_PREFIX = `t${randomBytes(6).toString('hex')}`;
process.env.PUBLIC_BASE_URL = 'http://localhost:7071';
process.env.INVITATION_SIGNING_KEY = randomBytes(32).toString('base64url');
delete process.env.TABLES_ENDPOINT;
delete process.env.QUEUES_ENDPOINT;
delete process.env.WEBHOOK_RETRY_SCALE;
delete process.env.ACS_CONNECTION_STRING;
delete process.env.ACS_ENDPOINT;
delete process.env.EMAIL_SENDER_ADDRESS;
delete process.env.INVITATION_TTL_DAYS;

// Every answer received through the harness must agree with the service's OpenAPI document.
afterAll(() => {
  expect([...new Set(disagreements)]).toEqual([]);
});
