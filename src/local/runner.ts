/**
 * The local runner: serves the registered HTTP functions with the routes, methods and route
 * parameters they declare, through the real HttpRequest/InvocationContext of @azure/functions,
 * as `func start` would. It also stands in for the platform where the platform does the work:
 * App Service Authentication (the sign-in form, local bearer tokens and the x-ms-client-principal
 * headers) and CORS. Never deployed.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { badRequest, notFound, payloadTooLarge } from '../domain/errors';
import { MAX_BODY_BYTES } from '../http/endpoint';
import { PRINCIPAL_HEADER, encodePrincipal } from '../http/principal';
import { toProblem } from '../http/problem';
import { adoptRegistrations, registeredFunctions, registeredTimers, type RegisteredFunction } from '../http/register';
import { escapeHtml } from '../domain/html';

export interface RunnerOptions {
  port: number;
  host?: string;
  corsOrigins?: string[];
  /** Receives every function log line (default: stdout/stderr). */
  log?: (level: string, message: string) => void;
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
  return { fn, pattern: new RegExp(`^/api/${source}/?$`, 'i'), names };
}

const API_METHODS = 'GET, POST, DELETE, HEAD, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, If-Match, Accept-Language';
const EXPOSED_HEADERS = 'ETag, Location, Retry-After, x-request-id';
const SESSION_COOKIE = 'AppServiceAuthSession';
const SIGN_IN_MAX_BYTES = 8 * 1024;
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
}

class BodyTooLarge extends Error {}

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
    req.on('error', reject);
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

/** Only same-site relative paths may be redirected to (no open redirect). */
function safeRedirect(target: string | null): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.includes('\\')) return '/';
  return target;
}

function signInPage(redirect: string, error?: string): string {
  const r = escapeHtml(redirect);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local sign-in</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;font-size:1rem}button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem}.note{color:#555}.err{color:#a00}</style></head>
<body><main><h1>Local sign-in</h1><p class="note">This form stands in for Microsoft Entra ID sign-in when the service runs locally. It is never part of a deployment.</p>
${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(redirect)}">
<label for="tenantId">Tenant ID</label><input id="tenantId" name="tenantId" required pattern="[0-9a-fA-F-]{36}" placeholder="00000000-0000-0000-0000-000000000000">
<label for="name">User name</label><input id="name" name="name" required value="admin@customer.example">
<label for="roles">Roles (comma-separated)</label><input id="roles" name="roles" value="GlobalAdmin">
<button type="submit">Sign in</button></form><p class="note">After sign-in you return to <code>${r}</code>.</p></main></body></html>`;
}

export async function startRunner(options: RunnerOptions): Promise<RunningServer> {
  const routes = registeredFunctions().map(compile);
  const sessions = new Map<string, Session>();
  const cors = new Set(options.corsOrigins ?? []);
  const log =
    options.log ??
    ((level, message) => (level === 'error' || level === 'warning' ? process.stderr : process.stdout).write(`[${level}] ${message}\n`));

  const send = (res: ServerResponse, status: number, headers: Record<string, string>, body?: string | Buffer) => {
    // Every response carries an x-request-id, the runner's own (preflights, sign-in) included.
    res.writeHead(status, { 'x-request-id': randomUUID(), ...headers });
    res.end(body);
  };

  const sendProblem = (res: ServerResponse, err: unknown, extra: Record<string, string> = {}) => {
    const requestId = randomUUID();
    const p = toProblem(err, requestId);
    send(res, p.status, { ...extra, ...p.headers, 'x-request-id': requestId }, JSON.stringify(p.body));
  };

  /** The body, or undefined once a 413 has been answered (the rest of the upload is not read). */
  async function readBodyWithin(req: IncomingMessage, res: ServerResponse, limit: number, extra: Record<string, string> = {}) {
    try {
      return await readBody(req, limit);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      res.setHeader('Connection', 'close');
      sendProblem(res, payloadTooLarge(limit), extra);
      return undefined;
    }
  }

  async function handleAuth(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.toLowerCase();
    if (path === '/.auth/login/aad' && req.method === 'GET') {
      const redirect = safeRedirect(url.searchParams.get('post_login_redirect_uri'));
      return send(
        res,
        200,
        { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' },
        signInPage(redirect),
      );
    }
    if (path === '/.auth/login/aad' && req.method === 'POST') {
      const redirect = safeRedirect(url.searchParams.get('post_login_redirect_uri'));
      const raw = await readBodyWithin(req, res, SIGN_IN_MAX_BYTES);
      if (!raw) return;
      const form = new URLSearchParams(raw.toString('utf8'));
      const tenantId = (form.get('tenantId') ?? '').trim().toLowerCase();
      const name = (form.get('name') ?? '').trim().slice(0, 256) || 'local user';
      const roles = (form.get('roles') ?? '')
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(tenantId)) {
        return send(res, 400, { 'Content-Type': 'text/html; charset=utf-8' }, signInPage(redirect, 'The tenant ID must be a UUID.'));
      }
      const sid = randomBytes(24).toString('base64url');
      sessions.set(sid, { tenantId, userId: randomUUID(), name, roles });
      return send(res, 302, { Location: redirect, 'Set-Cookie': `${SESSION_COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax` });
    }
    if (path === '/.auth/logout') {
      const sid = cookies(req)[SESSION_COOKIE];
      if (sid) sessions.delete(sid);
      const redirect = safeRedirect(url.searchParams.get('post_logout_redirect_uri'));
      return send(res, 302, { Location: redirect, 'Set-Cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax` });
    }
    if (path === '/.auth/me') {
      const s = sessions.get(cookies(req)[SESSION_COOKIE] ?? '');
      return send(
        res,
        200,
        { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
        JSON.stringify(s ? [{ provider_name: 'aad', user_id: s.name, tenant_id: s.tenantId, user_roles: s.roles }] : []),
      );
    }
    return sendProblem(res, notFound('No such route.'));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A request target such as "//" is no URL (new URL throws): the client's error (400), not a
    // 500 (test/reliability/fuzz.test.ts).
    if (!URL.canParse(req.url ?? '/', 'http://localhost'))
      return sendProblem(res, badRequest('The request target is not a valid URL path.'));
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin;
    const corsHeaders: Record<string, string> =
      origin && cors.has(origin)
        ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS, Vary: 'Origin' }
        : {};

    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      if (!corsHeaders['Access-Control-Allow-Origin']) return send(res, 204, { Vary: 'Origin' });
      return send(res, 204, {
        ...corsHeaders,
        'Access-Control-Allow-Methods': API_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '600',
      });
    }
    if (url.pathname.toLowerCase().startsWith('/.auth/')) return handleAuth(req, res, url);

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
      break;
    }
    if (!match) return sendProblem(res, notFound(`No route ${method} ${url.pathname}.`), corsHeaders);

    const body = await readBodyWithin(req, res, MAX_BODY_BYTES, corsHeaders);
    if (!body) return;

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const session = sessions.get(cookies(req)[SESSION_COOKIE] ?? '');
    const localBearer = LOCAL_BEARER.exec(headers.authorization ?? '')?.[1];
    if (localBearer && !headers[PRINCIPAL_HEADER]) {
      // readPrincipal validates it as it does the header (401 when malformed).
      headers[PRINCIPAL_HEADER] = localBearer;
      headers['x-ms-client-principal-idp'] = 'aad';
    } else if (session && !headers[PRINCIPAL_HEADER]) {
      headers[PRINCIPAL_HEADER] = encodePrincipal(session);
      headers['x-ms-client-principal-id'] = session.userId;
      headers['x-ms-client-principal-name'] = session.name;
      headers['x-ms-client-principal-idp'] = 'aad';
    }
    const host = req.headers.host ?? `localhost:${options.port}`;
    // A Host that is no host[:port] ("a b", "localhost:99999") would make the request URL
    // unparseable: the client's error (400), not a 500 (test/reliability/fuzz.test.ts).
    if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host) || !URL.canParse(`http://${host}/`)) {
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
    writeResult(res, result, corsHeaders, Boolean(corsHeaders['Access-Control-Allow-Origin']));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log('error', `runner: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) sendProblem(res, err);
      else res.destroy();
    });
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

/** Locally the runner is the CORS authority: a function's CORS headers reach allowed origins only. */
function writeResult(res: ServerResponse, result: HttpResponseInit, extra: Record<string, string>, corsAllowed: boolean): void {
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
  res.writeHead(result.status ?? 200, headers);
  res.end(body);
}
