/**
 * Cross-site request forgery guard for the accept form: a browser tells where a form post comes
 * from (Origin, Sec-Fetch-Site); a post from any other site is refused. API clients send
 * neither header and are let through (they carry their own bearer token).
 */
import type { HttpRequest } from '@azure/functions';
import { forbidden } from '../domain/errors';

export function assertSameSite(request: HttpRequest, publicBaseUrl: string): void {
  const allowed = new Set([new URL(publicBaseUrl).origin, new URL(request.url).origin]);
  const origin = request.headers.get('origin');
  const fetchSite = request.headers.get('sec-fetch-site');
  const crossOrigin = origin !== null && (origin === 'null' || !allowed.has(origin));
  const crossSite = fetchSite !== null && fetchSite !== 'same-origin' && fetchSite !== 'none';
  if (crossOrigin || crossSite) {
    throw forbidden('Cross-site requests cannot accept or decline invitations; open the invitation link itself.', 'cross-site-request');
  }
}

/** A browser's form post (answered with HTML) rather than an API call (answered with JSON). */
export function isFormPost(request: HttpRequest): boolean {
  return (request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}
