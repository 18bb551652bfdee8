/**
 * The local runner: serves the registered HTTP functions with the routes, methods and route
 * parameters they declare, through the real HttpRequest/InvocationContext of @azure/functions,
 * as `func start` would. It also stands in for the platform where the platform does the work:
 * App Service Authentication (the sign-in form, local bearer tokens and the x-ms-client-principal
 * headers) and CORS. Never deployed.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { randomBytes, randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readdirSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError, badRequest, forbidden, notFound, payloadTooLarge, unsupportedMediaType } from '../domain/errors';
import { API_PREFIX } from '../api/paths';
import { MAX_BODY_BYTES } from '../http/endpoint';
import { PRINCIPAL_HEADER, encodePrincipal, isTenantId } from '../http/principal';
import { toProblem } from '../http/problem';
import { adoptRegistrations, registeredFunctions, registeredTimers, type RegisteredFunction } from '../http/register';
import { escapeHtml } from '../views/html';
import { servePortal } from './portalFiles';

export interface RunnerOptions {
  port: number;
  host?: string;
  corsOrigins?: string[];
  /** Receives every function log line (default: stdout/stderr). */
  log?: (level: string, message: string) => void;
  /**
   * One line per request (method, path, status, ms, request id), as `func start` prints. On by
   * default when `log` is not given (npm start); tests that pass `log` ask for it explicitly.
   */
  logRequests?: boolean;
  /** How long a local sign-in session lasts (default 8 hours, App Service Authentication's default). */
  sessionTtlMs?: number;
  /** The built partner portal (dist/portal), served at /portal/ (src/local/portalFiles.ts); none when unset. */
  portalDir?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * Loads the functions: every function file of a folder (compiled .js by default), each
 * registering itself, or the bundle (a file such as dist/main.js, which exports its own registry).
 */
export async function loadFunctions(dir = join(__dirname, '..', '..', 'functions'), ext = '.js'): Promise<RegisteredFunction[]> {
  if (statSync(dir).isFile()) {
    // require, not import(): the bundle is CommonJS, and its exports are what the host loads.
    adoptRegistrations(require(dir) as Parameters<typeof adoptRegistrations>[0]);
    return registeredFunctions();
  }
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts'))
    .sort()) {
    await import(join(dir, file));
  }
  return registeredFunctions();
}

interface Route {
  fn: RegisteredFunction;
  pattern: RegExp;
  names: string[];
}

function compile(fn: RegisteredFunction): Route {
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

const API_METHODS = 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, If-Match, Accept-Language';
const EXPOSED_HEADERS = 'ETag, Location, Retry-After, x-request-id';
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

class BodyTooLarge extends Error {}
/** The client went away before its request body arrived: nothing to answer, nothing to log as an error. */
class ClientAborted extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => reject(new ClientAborted()));
    req.on('aborted', () => reject(new ClientAborted()));
  });
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

/** JSON, or a CSV upload: types that no plain form or `no-cors` fetch can send (not CORS-safelisted). */
const isJsonOrCsv = (contentType: string | undefined) => {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type === 'text/csv' || (type.startsWith('application/') && type.endsWith('+json'));
};

/** The sign-in form's tenant rule is the principal parser's (zod's UUID), also as an HTML pattern. */
const TENANT_PATTERN = z.regexes.uuid().source.replace(/^\^/, '').replace(/\$$/, '');

interface SignInValues {
  tenantId: string;
  name: string;
  roles: string;
}

const DEFAULT_VALUES: SignInValues = { tenantId: '', name: 'admin@customer.example', roles: 'GlobalAdmin' };

function signInPage(redirect: string, error?: string, values: SignInValues = DEFAULT_VALUES): string {
  const r = escapeHtml(redirect);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local sign-in</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;font-size:1rem}button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem}.note{color:#555}.err{color:#a00}</style></head>
<body><main><h1>Local sign-in</h1><p class="note">This form stands in for Microsoft Entra ID sign-in when the service runs locally. It is never part of a deployment.</p>
${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(redirect)}">
<label for="tenantId">Tenant ID</label><input id="tenantId" name="tenantId" required pattern="${escapeHtml(TENANT_PATTERN)}" title="A tenant ID: a UUID such as 3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e" placeholder="3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e" value="${escapeHtml(values.tenantId)}">
<label for="name">User name</label><input id="name" name="name" required value="${escapeHtml(values.name)}">
<label for="roles">Roles (comma-separated)</label><input id="roles" name="roles" value="${escapeHtml(values.roles)}">
<button type="submit">Sign in</button></form><p class="note">After sign-in you return to <code>${r}</code>.</p></main></body></html>`;
}

export async function startRunner(options: RunnerOptions): Promise<RunningServer> {
  const routes = registeredFunctions().map(compile);
  const sessions = new Map<string, Session>();
  const sessionTtlMs = options.sessionTtlMs ?? SESSION_TTL_MS;
  const cors = new Set(options.corsOrigins ?? []);
  const log =
    options.log ??
    ((level, message) => (level === 'error' || level === 'warning' ? process.stderr : process.stdout).write(`[${level}] ${message}\n`));
  const logRequests = options.logRequests ?? options.log === undefined;
  /** The x-request-id each response was sent with, for the request log line. */
  const requestIds = new WeakMap<ServerResponse, string>();

  const send = (res: ServerResponse, status: number, headers: Record<string, string>, body?: string | Buffer) => {
    // Every response carries an x-request-id, the runner's own (preflights, sign-in) included.
    const all = { 'x-request-id': randomUUID(), ...headers };
    requestIds.set(res, all['x-request-id']);
    // The reason phrase is the status's own: writeHead keeps one set by an earlier, failed call.
    res.writeHead(status, STATUS_CODES[status] ?? 'Unknown', all);
    res.end(body);
  };

  const sendProblem = (res: ServerResponse, err: unknown, extra: Record<string, string> = {}) => {
    const requestId = randomUUID();
    const p = toProblem(err, requestId);
    send(res, p.status, { ...extra, ...p.headers, 'x-request-id': requestId }, JSON.stringify(p.body));
  };

  /** The live session of the request's cookie; an expired one is forgotten. */
  const sessionOf = (req: IncomingMessage): Session | undefined => {
    const sid = cookies(req)[SESSION_COOKIE] ?? '';
    const s = sessions.get(sid);
    if (s && s.expiresAt <= Date.now()) {
      sessions.delete(sid);
      return undefined;
    }
    return s;
  };

  /** The body, or undefined once a 413 has been answered (the rest of the upload is not read). */
  async function readBodyWithin(req: IncomingMessage, res: ServerResponse, limit: number, extra: Record<string, string> = {}) {
    const tooLarge = () => {
      res.setHeader('Connection', 'close');
      sendProblem(res, payloadTooLarge(limit), extra);
      return undefined;
    };
    // A declared length over the limit is refused at once, before a byte of the body is read.
    if (Number(req.headers['content-length'] ?? '0') > limit) return tooLarge();
    if (/^100-continue$/i.test(req.headers.expect ?? '')) res.writeContinue();
    try {
      return await readBody(req, limit);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      return tooLarge();
    }
  }

  async function handleAuth(req: IncomingMessage, res: ServerResponse, url: URL, origin: string): Promise<void> {
    const path = url.pathname.toLowerCase();
    if (path === '/.auth/login/aad' && req.method === 'GET') {
      const redirect = safeRedirect(url.searchParams.get('post_login_redirect_uri'), origin);
      return send(
        res,
        200,
        { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' },
        signInPage(redirect),
      );
    }
    if (path === '/.auth/login/aad' && req.method === 'POST') {
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
          { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' },
          signInPage(
            redirect,
            'The tenant ID must be a UUID such as 3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e (RFC 9562: its 13th digit, the version, is 1 to 8, and its 17th, the variant, is 8, 9, a or b).',
            { tenantId: tenantId.slice(0, 64), name, roles: rolesText },
          ),
        );
      }
      const now = Date.now();
      for (const [id, s] of sessions) if (s.expiresAt <= now) sessions.delete(id);
      const sid = randomBytes(24).toString('base64url');
      sessions.set(sid, { tenantId, userId: randomUUID(), name, roles, expiresAt: now + sessionTtlMs });
      return send(res, 302, {
        Location: redirect,
        'Set-Cookie': `${SESSION_COOKIE}=${sid}; Path=/; Max-Age=${Math.max(1, Math.floor(sessionTtlMs / 1000))}; HttpOnly; SameSite=Lax`,
      });
    }
    if (path === '/.auth/logout') {
      const sid = cookies(req)[SESSION_COOKIE];
      if (sid) sessions.delete(sid);
      const redirect = safeRedirect(url.searchParams.get('post_logout_redirect_uri'), origin);
      return send(res, 302, { Location: redirect, 'Set-Cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax` });
    }
    if (path === '/.auth/me') {
      const s = sessionOf(req);
      return send(
        res,
        200,
        { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
        JSON.stringify(s ? [{ provider_name: 'aad', user_id: s.name, tenant_id: s.tenantId, user_roles: s.roles }] : []),
      );
    }
    return sendProblem(res, notFound('No such route.'));
  }

  /** The path as logged: a link token (the `{token}` route parameter) is never written to a log. */
  const loggedPaths = new WeakMap<IncomingMessage, string>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A request target such as "//" is no URL (new URL throws): the client's error (400), not a
    // 500 (test/reliability/fuzz.test.ts).
    if (!URL.canParse(req.url ?? '/', 'http://localhost'))
      return sendProblem(res, badRequest('The request target is not a valid URL path.'));
    const url = new URL(req.url ?? '/', 'http://localhost');
    loggedPaths.set(req, url.pathname);
    const origin = req.headers.origin;
    const corsHeaders: Record<string, string> =
      origin && cors.has(origin)
        ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS, Vary: 'Origin' }
        : {};
    const host = req.headers.host ?? `localhost:${options.port}`;
    // A Host that is no host[:port] ("a b", "localhost:99999") would make the request URL
    // unparseable: the client's error (400), not a 500 (test/reliability/fuzz.test.ts).
    const validHost = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host) && URL.canParse(`http://${host}/`);
    /** This server's origin as the browser sees it. */
    const self = validHost ? new URL(`http://${host}/`).origin : `http://localhost:${options.port}`;

    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      if (!corsHeaders['Access-Control-Allow-Origin']) return send(res, 204, { Vary: 'Origin' });
      return send(res, 204, {
        ...corsHeaders,
        'Access-Control-Allow-Methods': API_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '600',
      });
    }
    if (url.pathname.toLowerCase().startsWith('/.auth/')) return handleAuth(req, res, url, self);
    // Browsers ask every page's origin for an icon: answer without a 404 in the console.
    if (url.pathname === '/favicon.ico' && (req.method === 'GET' || req.method === 'HEAD')) {
      return send(res, 204, { 'Cache-Control': 'public, max-age=86400' });
    }
    if (options.portalDir && !url.pathname.startsWith(`${API_PREFIX}/`)) {
      const requestId = randomUUID();
      res.setHeader('x-request-id', requestId);
      requestIds.set(res, requestId);
      if (await servePortal(req, res, url.pathname, options.portalDir)) return;
      res.removeHeader('x-request-id');
    }

    const method = (req.method ?? 'GET').toUpperCase();
    let match: { route: Route; params: Record<string, string> } | undefined;
    for (const route of routes) {
      const m = route.pattern.exec(url.pathname);
      if (!m || !route.fn.operation.methods.includes(method as never)) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(m[i + 1]!);
        } catch {
          params[n] = m[i + 1]!;
        }
      });
      match = { route, params };
      if (route.names.includes('token')) loggedPaths.set(req, `${API_PREFIX}/${route.fn.operation.route}`);
      break;
    }
    if (!match) return sendProblem(res, notFound(`No route ${method} ${url.pathname}.`), corsHeaders);

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const session = sessionOf(req);
    const localBearer = LOCAL_BEARER.exec(headers.authorization ?? '')?.[1];
    const byCookie = !localBearer && Boolean(session) && !headers[PRINCIPAL_HEADER];
    if (byCookie && method !== 'GET' && method !== 'HEAD') {
      // The session cookie rides along on any request the browser makes, from any page: a
      // change made with it must come from this origin, as JSON (which no plain form or
      // `no-cors` fetch can send). The accept page's own form posts are the exception: the
      // function guards them itself (src/http/sameSite.ts).
      const acceptForm =
        match.route.fn.operation.form === true &&
        (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
      if (!acceptForm) {
        if (crossOrigin(req, self)) {
          return sendProblem(
            res,
            forbidden('Requests signed in with the session cookie must come from this site’s own pages.', 'cross-site-request'),
            corsHeaders,
          );
        }
        if (!isJsonOrCsv(req.headers['content-type'])) {
          return sendProblem(
            res,
            unsupportedMediaType('Requests signed in with the session cookie must send Content-Type: application/json.'),
            corsHeaders,
          );
        }
      }
    }

    const body = await readBodyWithin(req, res, match.route.fn.operation.rawBody?.maxBytes ?? MAX_BODY_BYTES, corsHeaders);
    if (!body) return;

    if (localBearer && !headers[PRINCIPAL_HEADER]) {
      // readPrincipal validates it as it does the header (401 when malformed).
      headers[PRINCIPAL_HEADER] = localBearer;
      headers['x-ms-client-principal-idp'] = 'aad';
    } else if (session && byCookie) {
      headers[PRINCIPAL_HEADER] = encodePrincipal(session);
      headers['x-ms-client-principal-id'] = session.userId;
      headers['x-ms-client-principal-name'] = session.name;
      headers['x-ms-client-principal-idp'] = 'aad';
    }
    if (!validHost) {
      return sendProblem(
        res,
        badRequest('The Host header is not a valid host[:port].', { host: ['is not a valid host[:port]'] }),
        corsHeaders,
      );
    }
    const request = new HttpRequest({
      method,
      url: `http://${host}${url.pathname}${url.search}`,
      headers,
      query: Object.fromEntries(url.searchParams),
      params: match.params,
      body: { bytes: body },
    });
    const functionName = match.route.fn.operation.name;
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName,
      logHandler: (level, ...args) => log(level, `${functionName}: ${args.map(String).join(' ')}`),
    });
    const result: HttpResponseInit = await match.route.fn.handler(request, context);
    requestIds.set(res, await writeResult(res, result, corsHeaders, Boolean(corsHeaders['Access-Control-Allow-Origin'])));
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    if (logRequests) {
      res.once('close', () => {
        const ms = Math.round(performance.now() - started);
        const status = res.writableFinished ? String(res.statusCode) : 'aborted';
        const path = loggedPaths.get(req) ?? '(unparsed)';
        log('information', `${req.method ?? '-'} ${path} ${status} ${ms} ms ${requestIds.get(res) ?? '-'}`);
      });
    }
    handle(req, res).catch((err: unknown) => {
      if (err instanceof ClientAborted) {
        // The client closed the connection mid-upload: there is no one to answer.
        log(
          'information',
          `runner: ${req.method ?? '-'} ${loggedPaths.get(req) ?? ''}: the client closed the connection before sending its body`,
        );
        res.destroy();
        return;
      }
      log('error', `runner: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) sendProblem(res, err);
      else res.destroy();
    });
  };
  const server = createServer(onRequest);
  // `Expect: 100-continue`: the runner says 100 only when it is about to read the body, so an
  // upload it refuses (too large, not allowed) is never sent.
  server.on('checkContinue', onRequest);
  // Errors Node's HTTP parser meets before there is a request (header block too large, a
  // malformed request line, a timeout) are answered as problem+json too, not Node's bare text.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // As Node's own handler: nothing to write on a closed socket or after a response has begun.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const requestId = randomUUID();
    const problem =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? new AppError({
            kind: 'headersTooLarge',
            code: 'headers-too-large',
            title: 'Request header fields too large',
            detail: 'The request headers are too large (at most 16 KiB in all).',
          })
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new AppError({
              kind: 'timeout',
              code: 'request-timeout',
              title: 'Request timeout',
              detail: 'The request did not arrive in time.',
            })
          : badRequest('The request is not valid HTTP/1.1.', undefined, 'malformed-request');
    const p = toProblem(problem, requestId);
    const body = JSON.stringify(p.body);
    socket.end(
      `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status] ?? 'Unknown'}\r\n` +
        `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Runs the registered timer functions every `intervalMs` (the host runs them on their CRON
 * schedules); a failed run is logged and tried again at the next tick.
 */
export function startTimers(intervalMs: number, log: (level: string, message: string) => void): () => void {
  const handles = registeredTimers().map(([name, handler]) =>
    setInterval(() => {
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: name,
        logHandler: (level, ...args) => log(level, `${name}: ${args.map(String).join(' ')}`),
      });
      const timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
      Promise.resolve(handler(timer, context)).catch((err: unknown) =>
        log('warning', `${name}: ${err instanceof Error ? err.message : String(err)}`),
      );
    }, intervalMs).unref(),
  );
  return () => handles.forEach(clearInterval);
}

/**
 * Locally the runner is the CORS authority: a function's CORS headers reach allowed origins only.
 * Returns the response's x-request-id.
 */
async function writeResult(
  res: ServerResponse,
  result: HttpResponseInit,
  extra: Record<string, string>,
  corsAllowed: boolean,
): Promise<string> {
  const headers: Record<string, string> = { ...extra };
  const given = result.headers;
  if (given) {
    const entries = given instanceof Headers ? [...given.entries()] : Array.isArray(given) ? given : Object.entries(given);
    for (const [k, v] of entries) if (corsAllowed || !k.toLowerCase().startsWith('access-control-')) headers[k] = String(v);
  }
  let body: string | Buffer | undefined;
  if (result.jsonBody !== undefined) {
    body = JSON.stringify(result.jsonBody);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  } else if (typeof result.body === 'string') body = result.body;
  else if (result.body instanceof Uint8Array) body = Buffer.from(result.body);
  const status = result.status ?? 200;
  res.writeHead(status, STATUS_CODES[status] ?? 'Unknown', headers);
  const stream = result.body as AsyncIterable<Uint8Array> | undefined;
  if (stream && typeof stream === 'object' && Symbol.asyncIterator in stream) {
    // A streamed body (a CSV export) is piped as it is produced: a failure mid-way cuts the response off.
    await pipeline(Readable.from(stream), res).catch(() => res.destroy());
  } else res.end(body);
  return Object.entries(headers).find(([k]) => k.toLowerCase() === 'x-request-id')?.[1] ?? '-';
}
