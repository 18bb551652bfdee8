/**
 * The local runner's routing: a registered function's route (`invitations/{id}`) as the host
 * matches it, under the API prefix, case-insensitive, with its route parameters decoded.
 */
import { API_PREFIX } from '../api/paths';
import type { RegisteredFunction } from '../http/register';

export interface Route {
  fn: RegisteredFunction;
  pattern: RegExp;
  names: string[];
}

export interface RouteMatch {
  fn: RegisteredFunction;
  params: Record<string, string>;
  /** The path as it may be logged: the route's template when it carries a link token. */
  loggedPath?: string;
}

export function compileRoute(fn: RegisteredFunction): Route {
  const names: string[] = [];
  const source = fn.operation.route
    .split('/')
    .map((segment) => {
      const m = /^\{([A-Za-z0-9_]+)(?::[^}]*)?\}$/.exec(segment);
      if (m) {
        names.push(m[1]!);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { fn, pattern: new RegExp(`^${API_PREFIX}/${source}/?$`, 'i'), names };
}

/** The first route that takes this method and path, with its parameters; undefined for none. */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch | undefined {
  for (const route of routes) {
    const m = route.pattern.exec(pathname);
    if (!m || !route.fn.operation.methods.includes(method as never)) continue;
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => {
      try {
        params[n] = decodeURIComponent(m[i + 1]!);
      } catch {
        params[n] = m[i + 1]!;
      }
    });
    // A link token (the `{token}` route parameter) is never written to a log.
    const loggedPath = route.names.includes('token') ? `${API_PREFIX}/${route.fn.operation.route}` : undefined;
    return { fn: route.fn, params, loggedPath };
  }
  return undefined;
}
