/**
 * The one error type of the service. Every failure a client can meet is an AppError with a
 * `kind` (what went wrong, in the domain's words) and a stable `code` (the problem type's last
 * segment, part of the contract). The HTTP layer maps kinds to statuses and renders problem+json
 * or a page in one place (src/http/problem.ts); the domain knows no status code.
 */
import type { Locale } from './model';

export type FieldErrors = Record<string, string[]>;

export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'gone'
  | 'preconditionFailed'
  | 'tooLarge'
  | 'unsupportedMediaType'
  /** Transport-level refusals (the local runner's HTTP server). */
  | 'headersTooLarge'
  | 'timeout'
  /** Well-formed, but it cannot be processed as asked (an idempotency key reused with another body). */
  | 'unprocessable'
  /** A limit of the service is reached for now: try again after `retryAfterSeconds`. */
  | 'limited'
  /** A service we depend on refused the request for good (the email service, say). */
  | 'dependencyFailed'
  /** Storage or another service cannot be reached: try again (`retryAfterSeconds`). */
  | 'unavailable';

export interface AppErrorInit {
  kind: ErrorKind;
  code: string;
  title: string;
  detail: string;
  errors?: FieldErrors;
  retryAfterSeconds?: number;
  /** The language of whoever the error is for, when known (pages speak it). */
  locale?: Locale;
  cause?: unknown;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly kind: ErrorKind;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldErrors | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly locale: Locale | undefined;

  constructor(init: AppErrorInit) {
    super(init.detail, { cause: init.cause });
    this.kind = init.kind;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.locale = init.locale;
  }

  /** The same error, told in `locale`. */
  in(locale: Locale): AppError {
    return new AppError({ ...this.init(), locale });
  }

  private init(): AppErrorInit {
    return {
      kind: this.kind,
      code: this.code,
      title: this.title,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
      ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
      cause: this.cause,
    };
  }
}

export const badRequest = (detail: string, errors?: FieldErrors, code = 'validation-failed') =>
  new AppError({ kind: 'invalid', code, title: 'The request is not valid', detail, ...(errors ? { errors } : {}) });
export const unauthorized = (detail: string) =>
  new AppError({ kind: 'unauthenticated', code: 'unauthenticated', title: 'Sign-in required', detail });
export const forbidden = (detail: string, code = 'forbidden') => new AppError({ kind: 'forbidden', code, title: 'Not allowed', detail });
export const notFound = (detail: string) => new AppError({ kind: 'notFound', code: 'not-found', title: 'Not found', detail });
export const conflict = (detail: string, code = 'conflict') =>
  new AppError({ kind: 'conflict', code, title: 'Conflict with the current state', detail });
export const gone = (detail: string, code = 'gone') => new AppError({ kind: 'gone', code, title: 'No longer available', detail });
export const preconditionFailed = (detail: string) =>
  new AppError({ kind: 'preconditionFailed', code: 'precondition-failed', title: 'The resource has changed', detail });

export const payloadTooLarge = (limitBytes: number) =>
  new AppError({
    kind: 'tooLarge',
    code: 'payload-too-large',
    title: 'Request body too large',
    detail: `The body must be at most ${limitBytes} bytes (${Math.round(limitBytes / 1024)} KiB).`,
  });

export const unsupportedMediaType = (detail: string) =>
  new AppError({ kind: 'unsupportedMediaType', code: 'unsupported-media-type', title: 'Unsupported content type', detail });

export const limited = (detail: string, retryAfterSeconds: number, code = 'send-limit') =>
  new AppError({ kind: 'limited', code, title: 'Limit reached', detail, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });

export const unprocessable = (detail: string, code: string) =>
  new AppError({ kind: 'unprocessable', code, title: 'The request cannot be processed', detail });

/** Storage (or another backing service) cannot be reached: try again in a few seconds. */
export class UnavailableError extends AppError {
  constructor(detail: string, cause?: unknown) {
    super({
      kind: 'unavailable',
      code: 'storage-unavailable',
      title: 'Service temporarily unavailable',
      detail,
      retryAfterSeconds: 5,
      cause,
    });
  }
}

/** A store write lost an optimistic-concurrency race (version mismatch) or hit an existing key. */
export class WriteConflict extends Error {
  override name = 'WriteConflict';
  constructor(
    readonly reason: 'version' | 'exists' | 'missing',
    message?: string,
  ) {
    super(message ?? `store write conflict (${reason})`);
  }
}
