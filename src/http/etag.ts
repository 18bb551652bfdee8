/** ETags on the wire: a relationship's revision, quoted; If-Match lists what the caller expects. */
import type { Expected } from '../domain/relationships';

export const quoteEtag = (rev: string) => `"${rev}"`;

/** The revisions an If-Match header lists (quotes and W/ optional), '*' for any, undefined when absent. */
export function parseIfMatch(header: string | null): Expected {
  if (header === null || header.trim() === '') return undefined;
  if (header.trim() === '*') return '*';
  return header.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
}
