/**
 * The local stand-in for App Service Authentication (Easy Auth): the sign-in form and its
 * sessions (/.auth/login/aad, /.auth/logout, /.auth/me), the session cookie, local bearer
 * tokens, the cookie's CSRF check, and the x-ms-client-principal headers it injects into the
 * request a function sees. Never deployed: in Azure, Easy Auth does all of this.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { forbidden, notFound, unsupportedMediaType, type AppError } from '../domain/errors';
import { isJsonOrCsv } from '../http/cors';
import { PRINCIPAL_HEADER, encodePrincipal, isTenantId } from '../http/principal';
import { readBodyWithin, send, sendProblem } from './respond';
import { SIGN_IN_PAGE_HEADERS, signInPage } from './signInPage';

const SESSION_COOKIE = 'AppServiceAuthSession';
const SIGN_IN_MAX_BYTES = 8 * 1024;
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/**
 * The local stand-in for a validated bearer token: `Authorization: Bearer local.<base64 of the
 * x-ms-client-principal JSON>` (see src/client/localToken.ts). In Azure, Easy Auth validates the
 * portal's Entra access token and sets x-ms-client-principal itself; such a token is no JWT and
 * Azure refuses it. It lets a portal on another origin sign in locally through the headers CORS
 * allows (Authorization, not x-ms-client-principal).
 */
const LOCAL_BEARER = /^Bearer\s+local\.([A-Za-z0-9+/_-]+={0,2})$/i;

interface Session {
  tenantId: string;
  userId: string;
  name: string;
  roles: string[];
  expiresAt: number;
}

/** Who a request says it is, before any check: a local bearer token, or the session cookie's session. */
export interface Caller {
  localBearer?: string;
  session?: Session;
  /** Signed in by the cookie alone (no bearer token, no principal header of its own). */
  byCookie: boolean;
}

function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const value = part.slice(i + 1).trim();
    // A malformed escape (`%ZZ`) is kept as sent: decodeURIComponent would throw, and a
    // client's cookie must never turn into a 500 (test/reliability/fuzz.test.ts).
    try {
      out[part.slice(0, i).trim()] = decodeURIComponent(value);
    } catch {
      out[part.slice(0, i).trim()] = value;
    }
  }
  return out;
}

/** C0 and C1 controls (tab, CR, LF among them): the URL parser would drop some of them silently. */
const hasControlCharacter = (value: string) =>
  [...value].some((c) => {
    const n = c.codePointAt(0)!;
    return n < 0x20 || (n >= 0x7f && n <= 0x9f);
  });

/**
 * Where to send the browser after sign-in or sign-out: the target resolved by the URL parser
 * (as the browser will resolve the Location header) must stay on this origin; anything else,
 * or a target with control characters, is `/`. The result is ASCII (the parser percent-encodes
 * the rest), so it is always a valid Location header.
 */
export function safeRedirect(target: string | null, origin: string): string {
  if (!target || hasControlCharacter(target) || !URL.canParse(target, origin)) return '/';
  const url = new URL(target, origin);
  if (url.origin !== origin) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * True for a request a browser made from another origin: Sec-Fetch-Site decides when present,
 * else Origin. API clients (curl, the tests, a portal's bearer calls) send neither.
 */
function crossOrigin(req: IncomingMessage, origin: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const from = req.headers.origin;
  return from !== undefined && from !== origin;
}

export class EasyAuth {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly sessionTtlMs = SESSION_TTL_MS) {}

  /** The live session of the request's cookie; an expired one is forgotten. */
  private sessionOf(req: IncomingMessage): Session | undefined {
    const sid = cookies(req)[SESSION_COOKIE] ?? '';
    const s = this.sessions.get(sid);
    if (s && s.expiresAt <= Date.now()) {
      this.sessions.delete(sid);
      return undefined;
    }
    return s;
  }

  /** Answers the /.auth/ routes; `origin` is this server's origin as the browser sees it. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, origin: string): Promise<void> {
    const path = url.pathname.toLowerCase();
    if (path === '/.auth/login/aad' && req.method === 'GET') {
      return send(res, 200, SIGN_IN_PAGE_HEADERS, signInPage(safeRedirect(url.searchParams.get('post_login_redirect_uri'), origin)));
    }
    if (path === '/.auth/login/aad' && req.method === 'POST') return this.signIn(req, res, url, origin);
    if (path === '/.auth/logout') {
      const sid = cookies(req)[SESSION_COOKIE];
      if (sid) this.sessions.delete(sid);
      const redirect = safeRedirect(url.searchParams.get('post_logout_redirect_uri'), origin);
      return send(res, 302, { Location: redirect, 'Set-Cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax` });
    }
    if (path === '/.auth/me') {
      const s = this.sessionOf(req);
      return send(
        res,
        200,
        { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
        JSON.stringify(s ? [{ provider_name: 'aad', user_id: s.name, tenant_id: s.tenantId, user_roles: s.roles }] : []),
      );
    }
    return sendProblem(res, notFound('No such route.'));
  }

  private async signIn(req: IncomingMessage, res: ServerResponse, url: URL, origin: string): Promise<void> {
    // Login CSRF: another site's form must not sign this browser in as someone else.
    if (crossOrigin(req, origin)) {
      return sendProblem(res, forbidden('The local sign-in form accepts posts from its own page only.', 'cross-site-request'));
    }
    const redirect = safeRedirect(url.searchParams.get('post_login_redirect_uri'), origin);
    const raw = await readBodyWithin(req, res, SIGN_IN_MAX_BYTES);
    if (!raw) return;
    const form = new URLSearchParams(raw.toString('utf8'));
    const tenantId = (form.get('tenantId') ?? '').trim().toLowerCase();
    const name = (form.get('name') ?? '').trim().slice(0, 256) || 'local user';
    const rolesText = (form.get('roles') ?? '').slice(0, 1024);
    const roles = rolesText
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    if (!isTenantId(tenantId)) {
      return send(
        res,
        400,
        SIGN_IN_PAGE_HEADERS,
        signInPage(
          redirect,
          'The tenant ID must be a UUID such as 3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e (RFC 9562: its 13th digit, the version, is 1 to 8, and its 17th, the variant, is 8, 9, a or b).',
          { tenantId: tenantId.slice(0, 64), name, roles: rolesText },
        ),
      );
    }
    const now = Date.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
    const sid = randomBytes(24).toString('base64url');
    this.sessions.set(sid, { tenantId, userId: randomUUID(), name, roles, expiresAt: now + this.sessionTtlMs });
    return send(res, 302, {
      Location: redirect,
      'Set-Cookie': `${SESSION_COOKIE}=${sid}; Path=/; Max-Age=${Math.max(1, Math.floor(this.sessionTtlMs / 1000))}; HttpOnly; SameSite=Lax`,
    });
  }

  /** Who the request says it is (its headers as the function will see them). */
  caller(req: IncomingMessage, headers: Record<string, string>): Caller {
    const session = this.sessionOf(req);
    const localBearer = LOCAL_BEARER.exec(headers.authorization ?? '')?.[1];
    return { localBearer, session, byCookie: !localBearer && Boolean(session) && !headers[PRINCIPAL_HEADER] };
  }

  /**
   * The cookie's CSRF check, before the body is read: the session cookie rides along on any
   * request the browser makes, from any page, so a change made with it must come from this
   * origin, as JSON or CSV (which no plain form or `no-cors` fetch can send). The accept page's own
   * form posts (`acceptForm`) are the exception: the function guards them itself
   * (src/http/sameSite.ts). Returns the error to answer, if any.
   */
  refuse(req: IncomingMessage, caller: Caller, method: string, acceptForm: boolean, origin: string): AppError | undefined {
    if (!caller.byCookie || method === 'GET' || method === 'HEAD' || acceptForm) return undefined;
    if (crossOrigin(req, origin)) {
      return forbidden('Requests signed in with the session cookie must come from this site’s own pages.', 'cross-site-request');
    }
    if (!isJsonOrCsv(req.headers['content-type'])) {
      return unsupportedMediaType('Requests signed in with the session cookie must send Content-Type: application/json (or text/csv).');
    }
    return undefined;
  }

  /** Sets the x-ms-client-principal headers as Easy Auth would, from a local bearer token or the cookie. */
  injectPrincipal(headers: Record<string, string>, caller: Caller): void {
    if (caller.localBearer && !headers[PRINCIPAL_HEADER]) {
      // readPrincipal validates it as it does the header (401 when malformed).
      headers[PRINCIPAL_HEADER] = caller.localBearer;
      headers['x-ms-client-principal-idp'] = 'aad';
    } else if (caller.session && caller.byCookie) {
      headers[PRINCIPAL_HEADER] = encodePrincipal(caller.session);
      headers['x-ms-client-principal-id'] = caller.session.userId;
      headers['x-ms-client-principal-name'] = caller.session.name;
      headers['x-ms-client-principal-idp'] = 'aad';
    }
  }
}
