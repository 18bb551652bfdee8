/**
 * The local runner: serves the registered HTTP functions with the routes, methods and route
 * parameters they declare, through the real HttpRequest/InvocationContext of @azure/functions,
 * as `func start` would. It also stands in for the platform where the platform does the work:
 * App Service Authentication (the sign-in form, local bearer tokens and the x-ms-client-principal
 * headers) and CORS. Never deployed.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, badRequest, notFound } from '../domain/errors';
import { API_PREFIX } from '../api/paths';
import { corsHeaders, preflightHeaders } from '../http/cors';
import { MAX_BODY_BYTES } from '../http/endpoint';
import { toProblem } from '../http/problem';
import { adoptRegistrations, registeredFunctions, type RegisteredFunction } from '../http/register';
import { EasyAuth } from './easyAuth';
import { servePortal } from './portalFiles';
import { ClientAborted, readBodyWithin, requestIdOf, send, sendProblem, setRequestId, writeResult } from './respond';
import { compileRoute, matchRoute } from './routes';

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
  /** The functions to serve (default: every registered one, see loadFunctions). */
  functions?: RegisteredFunction[];
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

export async function startRunner(options: RunnerOptions): Promise<RunningServer> {
  const routes = (options.functions ?? registeredFunctions()).map(compileRoute);
  const auth = new EasyAuth(options.sessionTtlMs);
  const cors = new Set(options.corsOrigins ?? []);
  const log =
    options.log ??
    ((level, message) => (level === 'error' || level === 'warning' ? process.stderr : process.stdout).write(`[${level}] ${message}\n`));
  const logRequests = options.logRequests ?? options.log === undefined;
  /** The path as logged: a link token (the `{token}` route parameter) is never written to a log. */
  const loggedPaths = new WeakMap<IncomingMessage, string>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A request target such as "//" is no URL (new URL throws): the client's error (400), not a
    // 500 (test/reliability/fuzz.test.ts).
    if (!URL.canParse(req.url ?? '/', 'http://localhost'))
      return sendProblem(res, badRequest('The request target is not a valid URL path.'));
    const url = new URL(req.url ?? '/', 'http://localhost');
    loggedPaths.set(req, url.pathname);
    const allowCors = corsHeaders(req.headers.origin, cors);
    const host = req.headers.host ?? `localhost:${options.port}`;
    // A Host that is no host[:port] ("a b", "localhost:99999") would make the request URL
    // unparseable: the client's error (400), not a 500 (test/reliability/fuzz.test.ts).
    const validHost = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host) && URL.canParse(`http://${host}/`);
    /** This server's origin as the browser sees it. */
    const self = validHost ? new URL(`http://${host}/`).origin : `http://localhost:${options.port}`;

    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) return send(res, 204, preflightHeaders(allowCors));
    if (url.pathname.toLowerCase().startsWith('/.auth/')) return auth.handle(req, res, url, self);
    // Browsers ask every page's origin for an icon: answer without a 404 in the console.
    if (url.pathname === '/favicon.ico' && (req.method === 'GET' || req.method === 'HEAD')) {
      return send(res, 204, { 'Cache-Control': 'public, max-age=86400' });
    }
    if (options.portalDir && !url.pathname.startsWith(`${API_PREFIX}/`)) {
      const requestId = randomUUID();
      res.setHeader('x-request-id', requestId);
      setRequestId(res, requestId);
      if (await servePortal(req, res, url.pathname, options.portalDir)) return;
      res.removeHeader('x-request-id');
    }

    const method = (req.method ?? 'GET').toUpperCase();
    const match = matchRoute(routes, method, url.pathname);
    if (!match) return sendProblem(res, notFound(`No route ${method} ${url.pathname}.`), allowCors);
    if (match.loggedPath) loggedPaths.set(req, match.loggedPath);

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const caller = auth.caller(req, headers);
    const acceptForm =
      match.fn.operation.form === true && (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
    const refused = auth.refuse(req, caller, method, acceptForm, self);
    if (refused) return sendProblem(res, refused, allowCors);

    const body = await readBodyWithin(req, res, match.fn.operation.rawBody?.maxBytes ?? MAX_BODY_BYTES, allowCors);
    if (!body) return;
    auth.injectPrincipal(headers, caller);
    if (!validHost) {
      return sendProblem(
        res,
        badRequest('The Host header is not a valid host[:port].', { host: ['is not a valid host[:port]'] }),
        allowCors,
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
    const functionName = match.fn.operation.name;
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName,
      logHandler: (level, ...args) => log(level, `${functionName}: ${args.map(String).join(' ')}`),
    });
    const result: HttpResponseInit = await match.fn.handler(request, context);
    await writeResult(res, result, allowCors, Boolean(allowCors['Access-Control-Allow-Origin']));
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    if (logRequests) {
      res.once('close', () => {
        const ms = Math.round(performance.now() - started);
        const status = res.writableFinished ? String(res.statusCode) : 'aborted';
        const path = loggedPaths.get(req) ?? '(unparsed)';
        log('information', `${req.method ?? '-'} ${path} ${status} ${ms} ms ${requestIdOf(res)}`);
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
