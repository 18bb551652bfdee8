import { operations } from '../src/api/operations';
import { ROLE_CATALOGUE } from '../src/domain/roles';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

/** The Entra built-in roles a partner may ask for in an invitation's `access`. */
export const listRoles = endpoint(operations.listRoles)(async () => ({
  status: 200,
  json: { items: ROLE_CATALOGUE.map((r) => ({ id: r.id, name: { ...r.name }, privileged: r.privileged })) },
}));

register(operations.listRoles, listRoles);
