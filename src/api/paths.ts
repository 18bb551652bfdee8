/** The API's path prefix, written once (the Functions host's default `routePrefix`). */
export const API_PREFIX = '/api';

/** `/api/invitations/abc` for `invitations/{id}` and `{ id: 'abc' }`; parameters are URL-encoded. */
export function apiPath(route: string, params: Record<string, string> = {}): string {
  return `${API_PREFIX}/${route.replace(/\{(\w+)(?::[^}]*)?\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''))}`;
}
