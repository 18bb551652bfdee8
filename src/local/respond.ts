/**
 * The local runner's side of the wire: reading a request body within a limit, and writing an
 * answer (its own, a problem, or a function's result, streamed bodies included).
 */
import type { HttpResponseInit } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { payloadTooLarge } from '../domain/errors';
import { toProblem } from '../http/problem';

/** The client went away before its request body arrived: nothing to answer, nothing to log as an error. */
export class ClientAborted extends Error {}
class BodyTooLarge extends Error {}

/** The x-request-id each response was sent with, for the request log line. */
const requestIds = new WeakMap<ServerResponse, string>();

export const requestIdOf = (res: ServerResponse): string => requestIds.get(res) ?? '-';

export const setRequestId = (res: ServerResponse, requestId: string): void => void requestIds.set(res, requestId);

export function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: string | Buffer): void {
  // Every response carries an x-request-id, the runner's own (preflights, sign-in) included.
  const all = { 'x-request-id': randomUUID(), ...headers };
  requestIds.set(res, all['x-request-id']);
  // The reason phrase is the status's own: writeHead keeps one set by an earlier, failed call.
  res.writeHead(status, STATUS_CODES[status] ?? 'Unknown', all);
  res.end(body);
}

export function sendProblem(res: ServerResponse, err: unknown, extra: Record<string, string> = {}): void {
  const requestId = randomUUID();
  const p = toProblem(err, requestId);
  send(res, p.status, { ...extra, ...p.headers, 'x-request-id': requestId }, JSON.stringify(p.body));
}

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

/** The body, or undefined once a 413 has been answered (the rest of the upload is not read). */
export async function readBodyWithin(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  extra: Record<string, string> = {},
): Promise<Buffer | undefined> {
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

const isStream = (body: unknown): body is AsyncIterable<Uint8Array> =>
  typeof body === 'object' && body !== null && !(body instanceof Uint8Array) && Symbol.asyncIterator in body;

/**
 * Writes a function's result. Locally the runner is the CORS authority: a function's CORS
 * headers reach allowed origins only. A streamed body (any AsyncIterable<Uint8Array>, a web
 * ReadableStream included) is piped chunk by chunk; resolves once the body is written or the
 * client has gone.
 */
export async function writeResult(
  res: ServerResponse,
  result: HttpResponseInit,
  extra: Record<string, string>,
  corsAllowed: boolean,
): Promise<void> {
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
  requestIds.set(res, Object.entries(headers).find(([k]) => k.toLowerCase() === 'x-request-id')?.[1] ?? '-');
  res.writeHead(status, STATUS_CODES[status] ?? 'Unknown', headers);
  if (isStream(result.body)) {
    // The head goes out at once: the client sees the status before the producer's first chunk.
    res.flushHeaders();
    return pipeBody(res, result.body);
  }
  res.end(body);
}

/** Resolves true when the response can take more, false when the client has gone. */
const drained = (res: ServerResponse) =>
  new Promise<boolean>((resolve) => {
    const settle = (more: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(more);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });

/**
 * Pulls the next chunk only once the socket has taken the last one (backpressure: at most the
 * socket's buffers are ahead of the client), and stops the producer (its iterator's return(),
 * so a generator's `finally` runs) when the client disconnects. A producer that throws after the
 * head is sent cannot be answered with a problem: the connection is cut (the error propagates),
 * so the client sees a truncated chunked body, never a complete-looking one.
 */
async function pipeBody(res: ServerResponse, body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of body) {
    if (res.destroyed) break;
    if (!res.write(chunk) && !(await drained(res))) break;
  }
  if (!res.destroyed) res.end();
}
