import { operations } from '../src/api/operations';
import { listEvents as list } from '../src/domain/webhooks';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { pageRequest, pageView } from '../src/http/wire';

/** The partner's events, oldest first after `after`: what a receiver reconciles from after an outage. */
export const listEvents = endpoint(operations.listEvents)(async ({ deps, partner, query }) => ({
  status: 200,
  json: pageView(await list(deps, partner, { after: query.after, ...pageRequest(query) })),
}));

register(operations.listEvents, listEvents);
