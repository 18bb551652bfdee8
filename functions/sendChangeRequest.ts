import { operations } from '../src/api/operations';
import { sendChangeRequest as send } from '../src/domain/changeRequestSend';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

/** Sends the (optionally edited) access request draft through Communication Services, within the send limits. */
export const sendChangeRequest = endpoint(operations.sendChangeRequest)(async ({ deps, partner, principal, params, body }) => ({
  status: 200,
  json: await send(deps, partner, principal, params.customerId, params.id, body),
}));

register(operations.sendChangeRequest, sendChangeRequest);
