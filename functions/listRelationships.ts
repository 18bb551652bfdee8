import { operations } from '../src/api/operations';
import { listRelationships as list } from '../src/domain/relationships';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const listRelationships = endpoint(operations.listRelationships, async ({ deps, partner, query }) => ({
  status: 200,
  json: await list({ store: deps.store, signingKey: deps.config.signingKey }, partner, query),
}));

register(operations.listRelationships, listRelationships);
