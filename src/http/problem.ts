/**
 * The one error mapper: anything thrown while handling a request becomes an RFC 9457
 * application/problem+json response. AppError carries its own status and stable code; a
 * ZodError (the request's query or body against its schema) is a 400 with per-field errors; a ConfigError is an operator's problem (500 with a
 * message that names no secret); anything else is logged and answered as a 500 without detail.
 */
import { z } from 'zod';
import { ConfigError } from '../config';
import { AppError, type FieldErrors } from '../domain/errors';

export const PROBLEM_TYPE_BASE = 'urn:reseller-relationships:problem:';

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

export function toProblem(err: unknown, requestId: string): ProblemResult {
  const make = (e: AppError, unexpected = false): ProblemResult => ({
    status: e.status,
    headers: { 'Content-Type': 'application/problem+json', ...e.headers },
    body: {
      type: PROBLEM_TYPE_BASE + e.code,
      title: e.title,
      status: e.status,
      detail: e.detail,
      ...(e.errors ? { errors: e.errors } : {}),
      requestId,
    },
    unexpected,
  });
  if (err instanceof AppError) return make(err);
  if (err instanceof z.ZodError) {
    const errors = fieldErrors(err);
    return make(
      new AppError({
        status: 400,
        code: 'validation-failed',
        title: 'The request is not valid',
        detail: `Invalid ${Object.keys(errors).join(', ')}.`,
        errors,
      }),
    );
  }
  if (err instanceof ConfigError) {
    return make(
      new AppError({
        status: 500,
        code: 'misconfigured',
        title: 'The service is misconfigured',
        detail: 'The service settings are invalid; the operator has been told.',
      }),
      true,
    );
  }
  return make(
    new AppError({
      status: 500,
      code: 'internal',
      title: 'Unexpected error',
      detail: `Something went wrong on our side (request ${requestId}).`,
    }),
    true,
  );
}
