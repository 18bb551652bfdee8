/**
 * The one error type of the service. Every failure a client can meet is an AppError with a
 * stable `code` (the problem type's last segment, part of the contract) and an HTTP status.
 * The HTTP layer maps it to RFC 9457 problem+json in one place (src/http/problem.ts).
 */
export type FieldErrors = Record<string, string[]>;

export interface AppErrorInit {
  status: number;
  code: string;
  title: string;
  detail: string;
  errors?: FieldErrors;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldErrors | undefined;
  readonly headers: Record<string, string>;

  constructor(init: AppErrorInit) {
    super(init.detail, { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
  }
}

export const badRequest = (detail: string, errors?: FieldErrors, code = 'validation-failed') =>
  new AppError({ status: 400, code, title: 'The request is not valid', detail, ...(errors ? { errors } : {}) });
export const unauthorized = (detail: string) => new AppError({ status: 401, code: 'unauthenticated', title: 'Sign-in required', detail });
export const forbidden = (detail: string, code = 'forbidden') => new AppError({ status: 403, code, title: 'Not allowed', detail });
export const notFound = (detail: string) => new AppError({ status: 404, code: 'not-found', title: 'Not found', detail });
export const conflict = (detail: string, code = 'conflict') =>
  new AppError({ status: 409, code, title: 'Conflict with the current state', detail });
export const gone = (detail: string, code = 'gone') => new AppError({ status: 410, code, title: 'No longer available', detail });
export const preconditionFailed = (detail: string) =>
  new AppError({ status: 412, code: 'precondition-failed', title: 'The resource has changed', detail });

export const payloadTooLarge = (limitBytes: number) =>
  new AppError({
    status: 413,
    code: 'payload-too-large',
    title: 'Request body too large',
    detail: `The body must be at most ${limitBytes} bytes (${Math.round(limitBytes / 1024)} KiB).`,
  });

/** Storage (or another backing service) cannot be reached: 503 with Retry-After. */
export class UnavailableError extends AppError {
  constructor(detail: string, cause?: unknown) {
    super({
      status: 503,
      code: 'storage-unavailable',
      title: 'Service temporarily unavailable',
      detail,
      headers: { 'Retry-After': '5' },
      cause,
    });
  }
}

/** A storage write lost an optimistic-concurrency race (ETag mismatch) or hit an existing key. */
export class WriteConflict extends Error {
  override name = 'WriteConflict';
  constructor(
    readonly reason: 'etag' | 'exists' | 'missing',
    message?: string,
  ) {
    super(message ?? `storage write conflict (${reason})`);
  }
}
