import { operations } from '../src/api/operations';
import { partnerProfile } from '../src/domain/partners';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

export const getPartner = endpoint(operations.getPartner)(async ({ deps, partner }) => ({
  status: 200,
  json: await partnerProfile(deps, partner),
}));

register(operations.getPartner, getPartner);
