/**
 * The one error mapper: anything thrown while handling a request becomes an RFC 9457
 * application/problem+json answer, or (where the operation says so) a page. An AppError's kind
 * gives the status and its code the problem type; a ZodError (the request's query or body
 * against its schema) is a 400 with per-field errors; a ConfigError is an operator's problem
 * (500 with a message that names no secret); anything else is logged and answered as a 500
 * without detail.
 */
import * as z from '../zod';
import { ConfigError } from '../config';
import { AppError, type ErrorKind, type FieldErrors } from '../domain/errors';
import type { Locale } from '../domain/model';
import { errorPage, invalidLinkPage } from '../views/pages';
import { PAGE_HEADERS } from './pages';

export const PROBLEM_TYPE_BASE = 'urn:reseller-relationships:problem:';

export const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  gone: 410,
  preconditionFailed: 412,
  tooLarge: 413,
  unsupportedMediaType: 415,
  headersTooLarge: 431,
  timeout: 408,
  unprocessable: 422,
  limited: 429,
  dependencyFailed: 502,
  unavailable: 503,
};

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldErrors;
  requestId?: string;
}

export interface ProblemResult {
  status: number;
  headers: Record<string, string>;
  body: ProblemDocument;
  /** Unexpected: log with stack. */
  unexpected: boolean;
}

/** Zod issues as { "customer.email": ["must be an email address"] }. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '(body)';
    (errors[key] ??= []).push(issue.message);
  }
  return errors;
}

/** What a client may be told of a failure: an AppError, or undefined when it was our fault. */
export function knownError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) {
    const errors = fieldErrors(err);
    return new AppError({
      kind: 'invalid',
      code: 'validation-failed',
      title: 'The request is not valid',
      detail: `Invalid ${Object.keys(errors).join(', ')}.`,
      errors,
    });
  }
  return undefined;
}

export function toProblem(err: unknown, requestId: string): ProblemResult {
  const known = knownError(err);
  const problem = (status: number, code: string, title: string, detail: string, extra: Partial<ProblemDocument> = {}) => ({
    type: PROBLEM_TYPE_BASE + code,
    title,
    status,
    detail,
    ...extra,
    requestId,
  });
  if (known) {
    const status = STATUS_OF[known.kind];
    return {
      status,
      headers: {
        'Content-Type': 'application/problem+json',
        ...(known.retryAfterSeconds !== undefined ? { 'Retry-After': String(known.retryAfterSeconds) } : {}),
      },
      body: problem(status, known.code, known.title, known.detail, known.errors ? { errors: known.errors } : {}),
      unexpected: false,
    };
  }
  const body =
    err instanceof ConfigError
      ? problem(500, 'misconfigured', 'The service is misconfigured', 'The service settings are invalid; the operator has been told.')
      : problem(500, 'internal', 'Unexpected error', `Something went wrong on our side (request ${requestId}).`);
  return { status: 500, headers: { 'Content-Type': 'application/problem+json' }, body, unexpected: true };
}

/**
 * A refusal as a page, for a browser's form post: in the language of the invitation (when the
 * error knows it) or of the browser. Failures on our side stay problem+json (undefined here).
 */
export function problemPage(
  err: unknown,
  fallbackLocale: Locale,
): { status: number; headers: Record<string, string>; html: string } | undefined {
  const known = knownError(err);
  if (!known) return undefined;
  const status = STATUS_OF[known.kind];
  if (status >= 500) return undefined;
  const locale = known.locale ?? fallbackLocale;
  return {
    status,
    headers: PAGE_HEADERS,
    html: known.kind === 'gone' ? invalidLinkPage(locale) : errorPage(locale, known.code, known.detail),
  };
}
