/** Hash routes (`#/customers?status=removed`): the portal is static files, so the hash is the whole state. */
export type Route =
  | { name: 'overview' }
  | { name: 'customers'; status: 'active' | 'removed' }
  | { name: 'customer'; id: string }
  | { name: 'request' }
  | { name: 'new' }
  | { name: 'draft'; id: string }
  | { name: 'invitations'; status: string | null }
  | { name: 'webhooks' }
  | { name: 'notFound' };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(search);
  let parts: string[];
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { name: 'notFound' }; // a malformed escape (`%E0%A4%A`): no such page, not a crash
  }
  const [a, b, c] = parts;
  if (parts.length === 0 || (a === 'overview' && parts.length === 1)) return { name: 'overview' };
  if (a === 'customers' && parts.length === 1)
    return { name: 'customers', status: query.get('status') === 'removed' ? 'removed' : 'active' };
  if (a === 'customers' && b && parts.length === 2) return { name: 'customer', id: b };
  if (a === 'request' && parts.length === 1) return { name: 'request' };
  if (a === 'new' && parts.length === 1) return { name: 'new' };
  if (a === 'webhooks' && parts.length === 1) return { name: 'webhooks' };
  if (a === 'invitations' && parts.length === 1) return { name: 'invitations', status: query.get('status') };
  if (a === 'invitations' && b && c === 'review' && parts.length === 3) return { name: 'draft', id: b };
  return { name: 'notFound' };
}

/** The navigation entry a route belongs to (aria-current). */
export function section(route: Route): 'overview' | 'customers' | 'invitations' | 'request' | 'new' | 'webhooks' | undefined {
  switch (route.name) {
    case 'overview':
      return 'overview';
    case 'customers':
    case 'customer':
      return 'customers';
    case 'invitations':
    case 'draft':
      return 'invitations';
    case 'request':
    case 'new':
    case 'webhooks':
      return route.name;
    default:
      return undefined;
  }
}
