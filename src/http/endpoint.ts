/**
 * Turns an Operation and a small handler into an Azure Functions HTTP handler that does the
 * same things for every route: request id, identity, enrolled-partner check, input parsing
 * (size, content type, JSON/form, zod), one error mapper (problem+json, or a page where the
 * operation says so), and the common response headers. Handlers are typed against the
 * operation's declared responses.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import type * as z from '../zod';
import type { Operation } from '../api/operations';
import { getDeps, type AppDeps } from '../deps';
import { authorizeOperator, authorizePartner } from '../domain/access';
import { badRequest, notFound, payloadTooLarge, unsupportedMediaType } from '../domain/errors';
import type { Partner, Principal } from '../domain/model';
import type { Logger } from '../domain/ports';
import { localeFromAcceptLanguage } from '../i18n';
import { EXPOSE, isJson, mediaType } from './cors';
import { problemPage, toProblem } from './problem';
import { readPrincipal, requirePrincipal } from './principal';
import { assertSameSite, isFormPost } from './sameSite';

export const MAX_BODY_BYTES = 64 * 1024;

type Out<S> = S extends z.ZodMiniType ? z.output<S> : undefined;

export interface HandlerInput<O extends Operation> {
  request: HttpRequest;
  deps: AppDeps;
  log: Logger;
  params: Out<O['params']>;
  query: Out<O['query']>;
  body: Out<O['body']>;
  /** Present unless the operation's access is `anonymous` (where it may be present). */
  principal: O['access'] extends 'anonymous' ? Principal | undefined : Principal;
  partner: O['access'] extends 'partner' ? Partner : undefined;
}

type WithHeaders = { headers?: Record<string, string> };
/**
 * A streamed body: `{ status, body: AsyncIterable<Uint8Array>, headers: { 'Content-Type', ... } }`.
 * A response declared as JSON may answer another representation of itself this way (a CSV
 * export of a list, say), its type named by the handler. The body is passed to Functions as is,
 * never buffered (HTTP streams are on: src/http/register.ts; locally the runner pipes it with
 * backpressure, src/local/respond.ts). Refuse bad input before returning it: once the first
 * chunk is out the status is sent, so a producer that throws cuts the connection (the error is
 * logged), and a client that disconnects stops the producer (its iterator's return(), so a
 * generator's `finally` runs). HEAD gets the head and no body; the iterator is never started.
 */
export type Streamed<S> = { status: S; body: AsyncIterable<Uint8Array>; headers: { 'Content-Type': string } & Record<string, string> };
/** The replies a declared response allows: its JSON (typed by its schema) or a stream, and/or its page. */
type ReplyFor<S, R> =
  | (R extends { json: infer J extends z.ZodMiniType } ? ({ status: S; json: z.output<J> } & WithHeaders) | Streamed<S> : never)
  | (R extends { html: true } ? (R extends { problem: true } ? never : { status: S; html: string } & WithHeaders) : never)
  | (R extends { empty: true } ? { status: S } & WithHeaders : never);

/** What a handler may answer: one of its operation's declared non-problem responses. */
export type Reply<O extends Operation> = {
  [S in keyof O['responses'] & number]: ReplyFor<S, O['responses'][S]>;
}[keyof O['responses'] & number];

type AnyReply = { status: number; json?: unknown; html?: string; body?: AsyncIterable<Uint8Array>; headers?: Record<string, string> };

export type Handler<O extends Operation> = (input: HandlerInput<O>) => Promise<Reply<O>>;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(request: HttpRequest, context: InvocationContext): string {
  const given = request.headers.get('x-request-id');
  if (given && REQUEST_ID.test(given)) return given;
  return /^[0-9a-f-]{36}$/i.test(context.invocationId) ? context.invocationId : randomUUID();
}

export function contextLogger(context: InvocationContext, requestId: string): Logger {
  const line = (message: string, props?: Record<string, unknown>) =>
    props ? `${message} ${JSON.stringify({ requestId, ...props })}` : `${message} {"requestId":"${requestId}"}`;
  return {
    info: (m, p) => context.log(line(m, p)),
    warn: (m, p) => context.warn(line(m, p)),
    error: (m, p) => context.error(line(m, p)),
  };
}

const BASE_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };

/** Reads the body within the size limit and parses it as JSON or (where allowed) a form. */
async function readBody(request: HttpRequest, op: Operation): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const bytes = await readWithin(request, MAX_BODY_BYTES);
  const type = mediaType(request.headers.get('content-type'));
  const json = isJson(type);
  const form = op.form === true && type === 'application/x-www-form-urlencoded';
  // A declared type we do not take is refused even with an empty body (a cross-site form, say).
  if (type !== '' && !json && !form) throw unsupportedType(op);
  if (bytes.length === 0) {
    if (op.optionalBody) return {};
    throw badRequest('The request body is empty; send a JSON object.', { '(body)': ['is required'] });
  }
  if (json) {
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch {
      throw badRequest('The request body is not valid JSON.', { '(body)': ['is not valid JSON'] }, 'malformed-json');
    }
  }
  if (form) return formFields(bytes.toString('utf8'));
  throw unsupportedType(op);
}

/** A form's fields; a name given more than once (checkboxes) holds all its values. */
function formFields(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const before = fields[name];
    fields[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return fields;
}

/**
 * The body's bytes, read chunk by chunk and refused past `limit`: with HTTP streams on, the host
 * no longer buffers the request, so a body without a Content-Length (chunked) is counted here
 * and the rest of it is never read (breaking out cancels the stream).
 */
async function readWithin(request: HttpRequest, limit: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of (request.body ?? []) as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A streamed body whose failure mid-way is logged (the status is already sent; the connection is cut). */
async function* loggedStream(body: AsyncIterable<Uint8Array>, log: Logger): AsyncGenerator<Uint8Array> {
  try {
    yield* body;
  } catch (err) {
    log.error('streamed body failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    throw err;
  }
}

const unsupportedType = (op: Operation) =>
  unsupportedMediaType(`Send the body as application/json${op.form ? ' or application/x-www-form-urlencoded' : ''}.`);

const tooLarge = () => payloadTooLarge(MAX_BODY_BYTES);

/** Anonymous routes ignore a principal they cannot read rather than refuse the request. */
function optionalPrincipal(request: HttpRequest): Principal | undefined {
  try {
    return readPrincipal(request.headers);
  } catch {
    return undefined;
  }
}

/**
 * Every error of every route goes through here: a page for a browser's form post where the
 * operation asks for it, else problem+json.
 */
function errorReply(op: Operation, err: unknown, request: HttpRequest, requestId: string, log: Logger): AnyReply {
  if (op.errorPagesForForms && isFormPost(request)) {
    const page = problemPage(err, localeFromAcceptLanguage(request.headers.get('accept-language')));
    if (page) return page;
  }
  const p = toProblem(err, requestId);
  if (p.unexpected) log.error('unexpected error', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  else if (p.status === 503) log.warn('dependency unavailable', { detail: p.body.detail });
  return { status: p.status, headers: p.headers, json: p.body };
}

/** `endpoint(operation)(handler)`: curried so that the handler is typed by the operation's responses. */
export const endpoint =
  <O extends Operation>(op: O) =>
  (handler: Handler<O>) =>
  async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const requestId = requestIdOf(request, context);
    const log = contextLogger(context, requestId);
    let reply: AnyReply;
    try {
      reply = await run(op, handler, request, log);
    } catch (err) {
      reply = errorReply(op, err, request, requestId, log);
    }
    const headers: Record<string, string> = {
      ...BASE_HEADERS,
      ...(request.headers.has('origin') ? EXPOSE : {}),
      ...reply.headers,
      'x-request-id': requestId,
    };
    if (reply.html !== undefined) {
      return {
        status: reply.status,
        headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers },
        body: request.method === 'HEAD' ? '' : reply.html,
      };
    }
    if (reply.body !== undefined) {
      return { status: reply.status, headers, body: request.method === 'HEAD' ? undefined : loggedStream(reply.body, log) };
    }
    return reply.json === undefined ? { status: reply.status, headers } : { status: reply.status, headers, jsonBody: reply.json };
  };

async function run<O extends Operation>(op: O, handler: Handler<O>, request: HttpRequest, log: Logger): Promise<AnyReply> {
  const deps = getDeps();
  // Browser forms are refused from other sites before anything of theirs is read.
  if (op.form) assertSameSite(request, deps.config.publicBaseUrl);
  let principal: Principal | undefined;
  let partner: Partner | undefined;
  if (op.access === 'anonymous') principal = optionalPrincipal(request);
  else {
    principal = requirePrincipal(request.headers);
    if (op.access === 'partner') partner = await authorizePartner(deps, principal);
    if (op.access === 'operator') authorizeOperator(deps, principal);
  }

  let params: unknown;
  if (op.params) {
    const parsed = op.params.safeParse(request.params);
    if (!parsed.success) throw notFound('No such resource.');
    params = parsed.data;
  }
  const query = op.query ? op.query.parse(Object.fromEntries(request.query)) : undefined;
  const body = op.body ? op.body.parse(await readBody(request, op)) : undefined;
  const input = { request, deps, log, params, query, body, principal, partner } as HandlerInput<O>;
  return handler(input);
}
