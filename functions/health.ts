import { operations } from '../src/api/operations';
import { UnavailableError } from '../src/domain/errors';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const health = endpoint(operations.health, async ({ deps }) => {
  const email = deps.mailer ? 'configured' : 'notConfigured';
  try {
    await deps.store.ping();
    return { status: 200, json: { status: 'ok', storage: 'ok', email } };
  } catch (err) {
    if (!(err instanceof UnavailableError)) throw err;
    return { status: 503, headers: { 'Retry-After': '5' }, json: { status: 'unavailable', storage: 'unavailable', email } };
  }
});

register(operations.health, health);
