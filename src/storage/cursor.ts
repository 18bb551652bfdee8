/**
 * Cursors (the API's continuation tokens): opaque, signed, bound to the listing they continue.
 * A tampered cursor, or one reused with other filters, is refused as bad input.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../domain/errors';

const sign = (key: string, scope: string, payload: string) =>
  createHmac('sha256', key).update(`continuation:v1|${scope}|${payload}`).digest('base64url').slice(0, 22);

export function encodeCursor(key: string, scope: string, position: string): string {
  const payload = Buffer.from(JSON.stringify({ p: position })).toString('base64url');
  return `${payload}.${sign(key, scope, payload)}`;
}

/** The position a cursor points after, undefined for the first page. */
export function decodeCursor(key: string, scope: string, cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const invalid = () =>
    badRequest(
      'The continuation token is not valid for this query.',
      { continuationToken: ['is not valid for this query'] },
      'invalid-continuation-token',
    );
  const [payload, sig, extra] = cursor.split('.');
  if (!payload || !sig || extra !== undefined) throw invalid();
  // Compare bytes, not characters: a non-ASCII signature of the right length must not throw.
  const given = Buffer.from(sig);
  const wanted = Buffer.from(sign(key, scope, payload));
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw invalid();
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p?: unknown };
    if (typeof parsed.p !== 'string') throw new Error('no position');
    return parsed.p;
  } catch {
    throw invalid();
  }
}
