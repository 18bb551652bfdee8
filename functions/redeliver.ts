import { operations } from '../src/api/operations';
import { redeliver as again } from '../src/domain/webhooks';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const redeliver = endpoint(operations.redeliver)(async ({ deps, partner, params }) => {
  await again(deps, partner, params.eventId);
  return { status: 202 };
});

register(operations.redeliver, redeliver);
