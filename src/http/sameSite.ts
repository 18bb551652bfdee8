/**
 * Cross-site request forgery guard for the accept form: a browser tells where a form post comes
 * from (Sec-Fetch-Site, else Origin); a post from any other site is refused. API clients send
 * neither header and are let through (they carry their own bearer token).
 *
 * Sec-Fetch-Site decides when present: the accept page's `Referrer-Policy: no-referrer` makes
 * browsers send `Origin: null` on its own form posts, so Origin alone would refuse them.
 */
import type { HttpRequest } from '@azure/functions';
import { forbidden } from '../domain/errors';

export function assertSameSite(request: HttpRequest, publicBaseUrl: string): void {
  const allowed = new Set([new URL(publicBaseUrl).origin, new URL(request.url).origin]);
  const origin = request.headers.get('origin');
  const fetchSite = request.headers.get('sec-fetch-site');
  const refused =
    fetchSite !== null
      ? fetchSite !== 'same-origin' && fetchSite !== 'none'
      : origin !== null && (origin === 'null' || !allowed.has(origin));
  if (refused) {
    throw forbidden('Cross-site requests cannot accept or decline invitations; open the invitation link itself.', 'cross-site-request');
  }
}

/** A browser's form post (answered with HTML) rather than an API call (answered with JSON). */
export function isFormPost(request: HttpRequest): boolean {
  return (request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}
