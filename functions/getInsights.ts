import { operations } from '../src/api/operations';
import { getInsights as insights } from '../src/domain/insights';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

/** The partner's counts at this moment (docs/storage.md, "Insights"). */
export const getInsights = endpoint(operations.getInsights)(async ({ deps, partner }) => ({
  status: 200,
  json: await insights(deps, partner),
}));

register(operations.getInsights, getInsights);
