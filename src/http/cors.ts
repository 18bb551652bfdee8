/**
 * CORS, one place for the service and the local runner. In Azure the Function App's CORS setting
 * answers preflights and adds Access-Control-Allow-Origin; the function adds the headers that
 * only it knows: which response headers the portal (another origin) may read. Locally the runner
 * is the CORS authority (src/local/runner.ts) and uses the same lists.
 */

/** The response headers the portal may read from another origin. */
export const EXPOSED_HEADERS = 'ETag, Location, Retry-After, x-request-id';
export const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS';
export const ALLOWED_HEADERS = 'Authorization, Content-Type, If-Match, Accept-Language';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/** The media type of a Content-Type header, lower-cased, without its parameters ('' when absent). */
export const mediaType = (contentType: string | null | undefined): string => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * application/json or a `+json` type. No such type is CORS-safelisted: a browser sends it from
 * another origin only after a preflight, and no plain HTML form can send it at all.
 */
export const isJson = (contentType: string | null | undefined): boolean => {
  const type = mediaType(contentType);
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
};

/** JSON, or a CSV upload (a bulk invitation): neither is CORS-safelisted, so neither comes from a plain form or a `no-cors` fetch. */
export const isJsonOrCsv = (contentType: string | null | undefined): boolean =>
  isJson(contentType) || mediaType(contentType) === 'text/csv';

/** What a function adds to a response to a cross-origin request (inert without an allowed origin). */
export const EXPOSE: Readonly<Record<string, string>> = { 'Access-Control-Expose-Headers': EXPOSED_HEADERS };

/** The CORS headers of an actual response: none unless the request's Origin is allowed. */
export function corsHeaders(origin: string | undefined, allowed: ReadonlySet<string>): Record<string, string> {
  return origin && allowed.has(origin) ? { 'Access-Control-Allow-Origin': origin, ...EXPOSE, Vary: 'Origin' } : {};
}

/** The answer to a preflight: 204 either way, with the allowances only for an allowed origin. */
export function preflightHeaders(cors: Record<string, string>): Record<string, string> {
  if (!cors['Access-Control-Allow-Origin']) return { Vary: 'Origin' };
  return {
    ...cors,
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
  };
}
