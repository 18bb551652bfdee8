/**
 * The Mailer port on Azure Communication Services Email (`@azure/communication-email` GA API).
 *
 * A send is one `beginSend` with `Operation-Id` = the message's idempotency key: the service
 * never sends two messages for one Operation-Id, so a retried send is safe. The mailer does not
 * wait for delivery: it reports `sent` once the service has accepted the message (202 from
 * `POST /emails:send`). Note that `beginSend` itself also polls the operation once (one GET);
 * that poll is only used to notice a message the service has already marked Failed.
 *
 * Failures never throw: they become `{ status: 'failed', retryable, error }`, and the error names
 * the HTTP status and service code but never the recipient or the content.
 */
import { createHash } from 'node:crypto';
import type { EmailClientOptions, EmailSendOptionalParams } from '@azure/communication-email';
import { isLoopbackHost, type Config } from '../config';
import type { EmailMessage, Mailer, SendOutcome } from '../domain/ports';
import { azureCredential } from '../identity';

export interface MailerOptions {
  /** Client ID of the user-assigned managed identity (endpoint configuration only). */
  managedIdentityClientId?: string;
  /** SDK retries of a failed request (429/503 with Retry-After, 408, 5xx, network). Default 3. */
  maxRetries?: number;
  /** Base of the SDK's exponential back-off. Default 300 ms. */
  retryDelayInMs?: number;
  /** Longest wait between two attempts, including a server's Retry-After. Default 2000 ms. */
  maxRetryDelayInMs?: number;
  /** Deadline of one whole send, retries included. Default 20000 ms. */
  timeoutMs?: number;
}

const DEFAULTS = { maxRetries: 3, retryDelayInMs: 300, maxRetryDelayInMs: 2000, timeoutMs: 20_000 };

type Settings = typeof DEFAULTS;
type EmailConfig = Config['email'];
type AdditionalPolicy = NonNullable<EmailClientOptions['additionalPolicies']>[number];
type RawResponse = Parameters<NonNullable<EmailSendOptionalParams['onResponse']>>[0];

/** Builds the mailer from config, or undefined when email is not configured. */
export function createMailer(email: EmailConfig, options: MailerOptions = {}): Mailer | undefined {
  if (email.kind === 'none') return undefined;
  if (!email.sender) throw new Error('EMAIL_SENDER_ADDRESS is required to send email');
  const settings: Settings = {
    maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
    retryDelayInMs: options.retryDelayInMs ?? DEFAULTS.retryDelayInMs,
    maxRetryDelayInMs: options.maxRetryDelayInMs ?? DEFAULTS.maxRetryDelayInMs,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
  };
  const client = clientFactory(email, settings, options.managedIdentityClientId);
  return new AcsMailer(client, email.sender, settings.timeoutMs);
}

/**
 * The SDK is loaded, and the client made, on the first send, not at import nor when the
 * dependencies are built: a cold instance's first request (which seldom sends) does not pay
 * for it. The settings are checked now.
 */
const emailSdk = () => import('@azure/communication-email');
/** The client class of the SDK as loaded by import() (its ESM build, which the bundle shares with the other SDKs). */
type LazyEmailClient = InstanceType<Awaited<ReturnType<typeof emailSdk>>['EmailClient']>;

function clientFactory(
  email: Exclude<EmailConfig, { kind: 'none' }>,
  settings: Settings,
  clientId: string | undefined,
): () => Promise<LazyEmailClient> {
  const clientOptions = (allowInsecureConnection: boolean): EmailClientOptions => ({
    retryOptions: {
      maxRetries: settings.maxRetries,
      retryDelayInMs: settings.retryDelayInMs,
      maxRetryDelayInMs: settings.maxRetryDelayInMs,
    },
    additionalPolicies: [boundRetryAfterPolicy(settings.maxRetryDelayInMs)],
    // The SDK refuses plain http unless told otherwise; it is allowed for loopback only.
    allowInsecureConnection,
  });
  if (email.kind === 'connectionString') {
    const endpoint = checkedEndpoint(connectionStringEndpoint(email.connectionString), 'ACS_CONNECTION_STRING', true);
    return async () => new (await emailSdk()).EmailClient(email.connectionString, clientOptions(endpoint.protocol === 'http:'));
  }
  // The SDK never sends bearer tokens over plain http, so an identity-based endpoint must be https.
  checkedEndpoint(email.endpoint, 'ACS_ENDPOINT', false);
  return async () => new (await emailSdk()).EmailClient(email.endpoint, azureCredential(clientId), clientOptions(false));
}

function connectionStringEndpoint(connectionString: string): string {
  const match = /(?:^|;)\s*endpoint=([^;]+)/i.exec(connectionString);
  if (!match?.[1] || !/(?:^|;)\s*accesskey=[^;]+/i.test(connectionString)) {
    throw new Error('ACS_CONNECTION_STRING must look like endpoint=https://…;accesskey=…');
  }
  return match[1].trim();
}

/** The endpoint's URL if it is https (or, when allowed, http on a loopback host); else throws. */
function checkedEndpoint(endpoint: string, setting: string, allowLoopbackHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`${setting}: the endpoint is not an absolute URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowLoopbackHttp && isLoopbackHost(url.hostname)) return url;
  throw new Error(
    allowLoopbackHttp
      ? `${setting}: the endpoint must use https (plain http is allowed only for localhost)`
      : `${setting}: the endpoint must use https (managed-identity tokens are never sent over plain http)`,
  );
}

/**
 * The SDK honours a 429/503 Retry-After of any length (a throttled send could wait minutes).
 * Above `maxDelayMs` the hint is dropped, so the SDK gives up on a 429 at once (the caller
 * sees a retryable failure) and retries a 503 on its own bounded back-off.
 */
function boundRetryAfterPolicy(maxDelayMs: number): AdditionalPolicy {
  return {
    position: 'perRetry',
    policy: {
      name: 'boundRetryAfter',
      async sendRequest(request, next) {
        const response = await next(request);
        const waitMs = retryAfterMs(response.headers);
        if (waitMs !== undefined && waitMs > maxDelayMs) {
          for (const name of RETRY_AFTER_HEADERS) response.headers.delete(name);
        }
        return response;
      },
    },
  };
}

const RETRY_AFTER_HEADERS = ['retry-after-ms', 'x-ms-retry-after-ms', 'retry-after'];

function retryAfterMs(headers: { get(name: string): string | undefined }): number | undefined {
  for (const name of RETRY_AFTER_HEADERS) {
    const value = headers.get(name)?.trim();
    if (!value) continue;
    const scale = name === 'retry-after' ? 1000 : 1;
    if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * scale;
    const date = Date.parse(value);
    return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
  }
  return undefined;
}

/** What the responses of one send told us (final responses only, after SDK retries). */
interface Observed {
  accepted: boolean;
  operationStatus?: string;
  operationErrorCode?: string;
  failure?: { status: number; code?: string; message?: string; requestId?: string };
}

class AcsMailer implements Mailer {
  private client: Promise<LazyEmailClient> | undefined;

  constructor(
    private readonly makeClient: () => Promise<LazyEmailClient>,
    private readonly sender: string,
    private readonly timeoutMs: number,
  ) {}

  async send(message: EmailMessage): Promise<SendOutcome> {
    const operationId = toOperationId(message.operationId);
    const observed: Observed = { accepted: false };
    try {
      // A failed load is not kept: the next send tries again.
      this.client ??= this.makeClient().catch((err: unknown) => {
        this.client = undefined;
        throw err;
      });
      await (
        await this.client
      ).beginSend(
        {
          senderAddress: this.sender,
          content: { subject: message.subject, plainText: message.text, html: message.html },
          recipients: { to: [{ address: message.to }] },
        },
        { operationId, abortSignal: AbortSignal.timeout(this.timeoutMs), onResponse: (raw) => observe(observed, raw) },
      );
    } catch (error) {
      if (!observed.accepted)
        return failed(operationId, describeFailure(observed, error, this.timeoutMs), isRetryable(observed, error), message);
    }
    if (isTerminallyFailed(observed.operationStatus)) {
      const code = observed.operationErrorCode ? ` (${observed.operationErrorCode})` : '';
      return failed(
        operationId,
        `Communication Services accepted the message, then reported it ${observed.operationStatus}${code}`,
        false,
        message,
      );
    }
    return { status: 'sent', operationId };
  }
}

function observe(observed: Observed, raw: RawResponse): void {
  const body: unknown = raw.parsedBody;
  if (raw.status >= 200 && raw.status < 300) {
    if (raw.request.method === 'POST') observed.accepted = true;
    observed.operationStatus = stringAt(body, 'status') ?? observed.operationStatus;
    observed.operationErrorCode = stringAt(body, 'error', 'code') ?? observed.operationErrorCode;
    return;
  }
  observed.failure = {
    status: raw.status,
    code: stringAt(body, 'error', 'code'),
    message: stringAt(body, 'error', 'message'),
    requestId: raw.headers.get('x-ms-request-id'),
  };
}

function isTerminallyFailed(status: string | undefined): boolean {
  return status === 'Failed' || status === 'Canceled';
}

function stringAt(value: unknown, ...path: string[]): string | undefined {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' && current !== '' ? current : undefined;
}

function isRetryable(observed: Observed, error: unknown): boolean {
  const status = observed.failure?.status;
  if (status !== undefined) return status === 429 || status === 408 || status >= 500;
  // No HTTP answer: a network error, the deadline, or no token from the identity endpoint.
  return isNetworkError(error) || isTimeout(error) || isCredentialError(error);
}

function describeFailure(observed: Observed, error: unknown, timeoutMs: number): string {
  const failure = observed.failure;
  if (failure) {
    const code = failure.code ? ` ${failure.code}` : '';
    const detail = failure.message ? `: ${failure.message}` : '';
    const requestId = failure.requestId ? ` (x-ms-request-id ${failure.requestId})` : '';
    return `Communication Services answered HTTP ${failure.status}${code}${detail}${hint(failure.status)}${requestId}`;
  }
  if (isTimeout(error)) return `Communication Services did not answer within ${timeoutMs} ms`;
  const name = error instanceof Error ? error.name : 'Error';
  const text = error instanceof Error ? error.message : String(error);
  if (isNetworkError(error)) return `Communication Services could not be reached (${errorCode(error) ?? name}): ${text}`;
  if (isCredentialError(error)) return `No token for Communication Services from the managed identity (${name}): ${text}`;
  return `Sending through Communication Services failed (${name}): ${text}`;
}

function hint(status: number): string {
  if (status === 401 || status === 403) return " (check the access key, or the identity's role on the resource)";
  if (status === 429) return ' (throttled: try again later)';
  if (status >= 500) return ' (the service is unavailable: try again later)';
  return '';
}

function errorCode(error: unknown): string | undefined {
  return stringAt(error, 'code');
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

function isNetworkError(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'REQUEST_SEND_ERROR' || (code !== undefined && /^E[A-Z]+$/.test(code));
}

function isCredentialError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'CredentialUnavailableError' || error.name === 'AuthenticationError');
}

/** A failure whose text can never carry the recipient or the content, whatever the service echoed. */
function failed(operationId: string, error: string, retryable: boolean, message: EmailMessage): SendOutcome {
  return { status: 'failed', operationId, error: redact(error, message), retryable };
}

const MAX_ERROR_LENGTH = 500;

function redact(text: string, message: EmailMessage): string {
  let safe = text.replace(/[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+/g, '<address>');
  if (message.to) safe = safe.split(message.to).join('<address>');
  return safe.length > MAX_ERROR_LENGTH ? `${safe.slice(0, MAX_ERROR_LENGTH - 1)}…` : safe;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Namespace of the name-based (v5) Operation-Ids made from keys that are not UUIDs. */
const OPERATION_ID_NAMESPACE = Buffer.from('6f1d0c1e8f6b4f7a9d3a3c2b1e0f4a5b', 'hex');

/**
 * The SDK sends `Operation-Id` only as a UUID (its serializer rejects anything else), so a key
 * that is not one is mapped to a deterministic RFC 4122 v5 UUID: the same key, the same id.
 */
export function toOperationId(key: string): string {
  if (UUID.test(key)) return key.toLowerCase();
  const hash = createHash('sha1').update(OPERATION_ID_NAMESPACE).update(key, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
