import { operations } from '../src/api/operations';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

/** 200 when storage answers; otherwise the ping's 503 storage-unavailable problem (Retry-After). */
export const health = endpoint(operations.health)(async ({ deps }) => {
  await deps.store.ping();
  return { status: 200, json: { status: 'ok', storage: 'ok', email: deps.mailer ? 'configured' : 'notConfigured' } };
});

register(operations.health, health);
