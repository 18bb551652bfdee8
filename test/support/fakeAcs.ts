/**
 * A loopback stand-in for Azure Communication Services Email, good enough for the real
 * `@azure/communication-email` client:
 *
 * - `POST /emails:send?api-version=…` answers 202 with an absolute `Operation-Location`,
 *   `Retry-After: 0` and `{ id, status: 'Running' }`; `GET /emails/operations/{id}` answers 200.
 * - Every request must carry a valid HMAC-SHA256 signature made with the access key, computed
 *   as the service does (and as `@azure/communication-common` signs):
 *   `${VERB}\n${pathAndQuery}\n${x-ms-date};${host};${x-ms-content-sha256}`; else 401.
 * - The `Operation-Id` header is the idempotency key: a second send with the same id returns
 *   the same operation and records nothing new.
 * - Faults can be scripted (`failNext`, `alwaysFail`, `hangNext`) to exercise retries.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type OperationStatus = 'NotStarted' | 'Running' | 'Succeeded' | 'Failed' | 'Canceled';

/** The body of a send as the client serialised it. */
export interface SendBody {
  senderAddress?: string;
  content?: { subject?: string; plainText?: string; html?: string };
  recipients?: { to?: { address: string; displayName?: string }[]; cc?: unknown[]; bcc?: unknown[] };
  [key: string]: unknown;
}

export interface RecordedSend {
  operationId: string;
  body: SendBody;
  headers: IncomingHttpHeaders;
}

export type AuthResult = 'valid' | 'invalid' | 'missing';

export interface LoggedRequest {
  method: string;
  /** Path and query as received. */
  path: string;
  operationId: string | undefined;
  auth: AuthResult;
  status: number;
}

/** Which requests a scripted fault applies to. */
export type FaultTarget = 'send' | 'poll' | 'any';

export interface FaultOptions {
  target?: FaultTarget;
  /** The Retry-After header (seconds); `null` leaves it out. Default "0". */
  retryAfter?: string | null;
  /** The error code in the body; default from the status. */
  code?: string;
  /** The error message in the body. */
  message?: string;
}

export interface FakeAcs {
  /** Base URL, e.g. http://127.0.0.1:54321 (no trailing slash). */
  url: string;
  /** The access key the fake accepts (base64). */
  accessKey: string;
  /** `endpoint=…/;accesskey=…` with the given key (default: the accepted one). */
  connectionString(accessKeyBase64?: string): string;
  /** Every accepted, first-time send (idempotent repeats are not recorded again). */
  sends: RecordedSend[];
  /** Every request received, in order, with the answer given. */
  log: LoggedRequest[];
  /** How many requests arrived (any method, path or outcome). */
  readonly requests: number;
  /** The next `n` matching requests (after authentication) answer `status`. */
  failNext(n: number, status: number, options?: FaultOptions): void;
  /** Every matching request answers `status` until `reset()`. */
  alwaysFail(status: number, options?: FaultOptions): void;
  /** The next `n` matching requests get no answer at all (the socket stays open). */
  hangNext(n: number, target?: FaultTarget): void;
  /** The status reported by `GET /emails/operations/{id}` (default Succeeded). */
  setOperationStatus(status: OperationStatus): void;
  /** Forget operations, sends, the log, the request count and every scripted fault. */
  reset(): void;
  close(): Promise<void>;
}

const API_VERSION_FALLBACK = '2025-09-01';
const SIGNED_HEADERS = 'x-ms-date;host;x-ms-content-sha256';
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Fault {
  kind: 'status' | 'hang';
  status: number;
  target: FaultTarget;
  options: FaultOptions;
  /** Remaining uses; Infinity for alwaysFail. */
  remaining: number;
}

interface Operation {
  id: string;
}

type RequestKind = 'send' | 'poll' | 'other';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Path and query exactly as the client's signing policy normalises them (URLSearchParams). */
function pathAndQuery(rawUrl: string): string {
  const url = new URL(rawUrl, 'http://fake.invalid');
  const query = url.searchParams.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Verifies the HMAC-SHA256 signature the way the service does. */
export function verifySignature(req: IncomingMessage, body: Buffer, accessKey: string, now = Date.now()): AuthResult {
  const authorization = header(req.headers, 'authorization');
  const date = header(req.headers, 'x-ms-date');
  const contentHash = header(req.headers, 'x-ms-content-sha256');
  const host = header(req.headers, 'host');
  if (!authorization || !date || !contentHash || !host) return 'missing';

  const match = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(authorization);
  if (!match || match[1] !== SIGNED_HEADERS || !match[2]) return 'invalid';
  const signedAt = Date.parse(date);
  if (!Number.isFinite(signedAt) || Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS) return 'invalid';
  if (!safeEqual(createHash('sha256').update(body).digest('base64'), contentHash)) return 'invalid';

  const stringToSign = `${(req.method ?? '').toUpperCase()}\n${pathAndQuery(req.url ?? '/')}\n${date};${host};${contentHash}`;
  const expected = createHmac('sha256', Buffer.from(accessKey, 'base64')).update(stringToSign).digest('base64');
  return safeEqual(expected, match[2]) ? 'valid' : 'invalid';
}

function kindOf(method: string, path: string): RequestKind {
  if (method === 'POST' && path === '/emails:send') return 'send';
  if (method === 'GET' && /^\/emails\/operations\/[^/]+$/.test(path)) return 'poll';
  return 'other';
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text).toString(),
    'x-ms-request-id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Denied',
  403: 'Forbidden',
  404: 'NotFound',
  408: 'RequestTimeout',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
};

function parseSendBody(raw: Buffer): SendBody | undefined {
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as SendBody) : undefined;
  } catch {
    return undefined;
  }
}

/** What the service checks before accepting a message (a small subset). */
function invalidSendReason(body: SendBody | undefined): string | undefined {
  if (!body) return 'The request body is not a JSON object.';
  if (!body.senderAddress) return 'senderAddress is required.';
  if (!body.content?.subject) return 'content.subject is required.';
  if (!body.content.plainText && !body.content.html) return 'content.plainText or content.html is required.';
  if (!body.recipients?.to?.length) return 'At least one recipient is required.';
  return undefined;
}

export async function startFakeAcs(): Promise<FakeAcs> {
  const accessKey = randomBytes(32).toString('base64');
  const operations = new Map<string, Operation>();
  const sends: RecordedSend[] = [];
  const log: LoggedRequest[] = [];
  let faults: Fault[] = [];
  let operationStatus: OperationStatus = 'Succeeded';
  let requests = 0;
  let url = '';

  const takeFault = (kind: RequestKind): Fault | undefined => {
    const fault = faults.find((f) => f.remaining > 0 && (f.target === 'any' || f.target === kind));
    if (fault) fault.remaining -= 1;
    return fault;
  };

  const operationLocation = (id: string, apiVersion: string) =>
    `${url}/emails/operations/${encodeURIComponent(id)}?api-version=${encodeURIComponent(apiVersion)}`;

  const answerSend = (
    req: IncomingMessage,
    res: ServerResponse,
    raw: Buffer,
    operationId: string | undefined,
    apiVersion: string,
  ): number => {
    if (operationId !== undefined && !UUID.test(operationId)) {
      sendJson(res, 400, errorBody('InvalidOperationId', 'Operation-Id must be a GUID.'));
      return 400;
    }
    const body = parseSendBody(raw);
    const invalid = invalidSendReason(body);
    if (invalid || !body) {
      sendJson(res, 400, errorBody('BadRequest', invalid ?? 'Invalid request.'));
      return 400;
    }
    const id = (operationId ?? randomUUID()).toLowerCase();
    if (!operations.has(id)) {
      operations.set(id, { id });
      sends.push({ operationId: id, body, headers: req.headers });
    }
    sendJson(res, 202, { id, status: 'Running' }, { 'operation-location': operationLocation(id, apiVersion), 'retry-after': '0' });
    return 202;
  };

  const answerPoll = (res: ServerResponse, path: string): number => {
    const id = decodeURIComponent(path.slice('/emails/operations/'.length)).toLowerCase();
    if (!operations.has(id)) {
      sendJson(res, 404, errorBody('NotFound', 'Operation not found.'));
      return 404;
    }
    const failed = operationStatus === 'Failed';
    sendJson(
      res,
      200,
      { id, status: operationStatus, ...(failed ? errorBody('EmailDroppedAllRecipientsSuppressed', 'Message was not delivered.') : {}) },
      {
        'retry-after': '0',
      },
    );
    return 200;
  };

  const answerFault = (res: ServerResponse, fault: Fault): void => {
    const {
      retryAfter = '0',
      code = DEFAULT_CODES[fault.status] ?? 'Error',
      message = `Scripted failure ${fault.status}.`,
    } = fault.options;
    sendJson(res, fault.status, errorBody(code, message), retryAfter === null ? {} : { 'retry-after': retryAfter });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    requests += 1;
    const raw = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const parsed = new URL(req.url ?? '/', url);
    const kind = kindOf(method, parsed.pathname);
    const operationId = header(req.headers, 'operation-id');
    const auth = verifySignature(req, raw, accessKey);
    const entry: LoggedRequest = { method, path: req.url ?? '/', operationId, auth, status: 0 };
    log.push(entry);

    if (auth !== 'valid') {
      entry.status = 401;
      sendJson(res, 401, errorBody('Denied', 'Denied by the resource provider.'));
      return;
    }
    const fault = kind === 'other' ? undefined : takeFault(kind);
    if (fault?.kind === 'hang') {
      entry.status = -1;
      return;
    }
    if (fault) {
      entry.status = fault.status;
      answerFault(res, fault);
      return;
    }
    const apiVersion = parsed.searchParams.get('api-version') ?? API_VERSION_FALLBACK;
    if (kind === 'send') entry.status = answerSend(req, res, raw, operationId, apiVersion);
    else if (kind === 'poll') entry.status = answerPoll(res, parsed.pathname);
    else {
      entry.status = 404;
      sendJson(res, 404, errorBody('NotFound', `No route for ${method} ${parsed.pathname}.`));
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, errorBody('InternalServerError', 'Fake failed.'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const addFault = (kind: Fault['kind'], remaining: number, status: number, target: FaultTarget, options: FaultOptions) => {
    faults.push({ kind, status, target, options, remaining });
  };

  return {
    url,
    accessKey,
    connectionString: (key = accessKey) => `endpoint=${url}/;accesskey=${key}`,
    sends,
    log,
    get requests() {
      return requests;
    },
    failNext: (n, status, options = {}) => addFault('status', n, status, options.target ?? 'send', options),
    alwaysFail: (status, options = {}) => addFault('status', Infinity, status, options.target ?? 'send', options),
    hangNext: (n, target = 'send') => addFault('hang', n, 0, target, {}),
    setOperationStatus: (status) => {
      operationStatus = status;
    },
    reset: () => {
      sends.length = 0;
      log.length = 0;
      requests = 0;
      faults = [];
      operationStatus = 'Succeeded';
      operations.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
