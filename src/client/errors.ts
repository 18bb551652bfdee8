/**
 * The one error type of the client: every answer outside 2xx becomes an ApiError that carries the
 * HTTP status and the service's RFC 9457 problem document. Network failures (the server cannot be
 * reached, or a browser refuses a cross-origin response) are not ApiErrors: fetch rejects with a
 * TypeError and the client lets it through unchanged.
 */
import type { Problem } from './contract';

export type { Problem };

export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** The HTTP status (also `problem.status`). */
  readonly status: number;
  /** The problem document as the service sent it (synthesised when the answer was not one, e.g. a gateway's 502). */
  readonly problem: Problem;
  /** The stable code: the last segment of `problem.type`, e.g. `email-not-configured` (`about:blank` when the answer was no problem document). */
  readonly code: string;
  /** The response's `x-request-id` (or the problem's `requestId`), for support. */
  readonly requestId: string | undefined;
  /** Seconds from `Retry-After` (sent with 503), when present. */
  readonly retryAfter: number | undefined;

  constructor(problem: Problem, headers?: Headers) {
    super(problem.detail || problem.title);
    this.status = problem.status;
    this.problem = problem;
    this.code = problem.type === 'about:blank' ? problem.type : (problem.type.split(/[:/]/).pop() ?? problem.type);
    this.requestId = headers?.get('x-request-id') ?? problem.requestId;
    const retry = Number(headers?.get('retry-after') ?? NaN);
    this.retryAfter = Number.isFinite(retry) ? retry : undefined;
  }
}

/** `instanceof ApiError` fails across two copies of the client (two bundles); this does not. */
export function isApiError(err: unknown): err is ApiError {
  return (
    err instanceof ApiError || (err instanceof Error && err.name === 'ApiError' && typeof (err as Partial<ApiError>).status === 'number')
  );
}

function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && typeof v.title === 'string' && typeof v.status === 'number' && typeof v.detail === 'string';
}

/** The error for a non-2xx answer whose body is `body` (parsed JSON, text, or undefined). */
export function errorFromResponse(response: Response, body: unknown): ApiError {
  if (isProblem(body)) return new ApiError(body, response.headers);
  const text = typeof body === 'string' ? body.trim().slice(0, 500) : '';
  const title = response.statusText || `HTTP ${response.status}`;
  return new ApiError(
    { type: 'about:blank', title, status: response.status, detail: text || `The API answered ${response.status} ${title}.` },
    response.headers,
  );
}
