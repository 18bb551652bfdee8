import { operations } from '../src/api/operations';
import { deleteWebhook as remove } from '../src/domain/webhooks';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const deleteWebhook = endpoint(operations.deleteWebhook)(async ({ deps, partner }) => {
  await remove(deps, partner);
  return { status: 204 };
});

register(operations.deleteWebhook, deleteWebhook);
