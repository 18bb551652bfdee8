/** What every customer page is served with, and where Easy Auth signs a browser in. */
import { createHash } from 'node:crypto';
import { PAGE_STYLE } from '../views/pages';

/** The Content-Security-Policy of every page: nothing loads, only the pages' stylesheet applies, forms post here. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src '${'sha256-' + createHash('sha256').update(PAGE_STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const PAGE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': PAGE_CSP,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
};

/** App Service Authentication's sign-in path (the local runner serves the same path). */
export const signInUrl = (returnPath: string) => `/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(returnPath)}`;

/** App Service Authentication's sign-out path; it comes back to `returnPath` (here: sign in again, as someone else). */
export const signOutUrl = (returnPath: string) => `/.auth/logout?post_logout_redirect_uri=${encodeURIComponent(signInUrl(returnPath))}`;
