/**
 * Which characters a user's text may hold. Single-line values (names, subjects, reasons,
 * search terms) hold no control characters, no line or paragraph separators, no bidirectional
 * controls and no zero-width characters: Azurite's batch parser fails on U+2028/U+2029 (a false
 * 503), and the others make a name look like something it is not ("Contoso", U+202E, "fdp.exe"
 * reads as "Contosoexe.pdf") or differ invisibly from another. Multi-line values (email bodies)
 * may hold tabs and line breaks, bidirectional marks and zero-width joiners, which real Arabic,
 * Hebrew, Persian and emoji text needs, but no other control characters and no bidirectional
 * embeddings, overrides or isolates. See docs/security.md.
 */

/* eslint-disable no-control-regex */
/** C0 controls, DEL, C1 controls (U+0085 NEL among them), line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
/** Bidirectional marks: LRM, RLM and the Arabic letter mark. */
const BIDI_MARK = /[\u200e\u200f\u061c]/;
/** Zero-width space, non-joiner, joiner, word joiner and the byte order mark. */
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/;
/** Half of a surrogate pair on its own: not Unicode text at all. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** What a multi-line value may not hold: CONTROL but TAB, LF, CR and the two separators. */
const MULTILINE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */

const SINGLE_LINE = new RegExp([CONTROL, BIDI_CONTROL, BIDI_MARK, ZERO_WIDTH, LONE_SURROGATE].map((r) => r.source).join('|'), 'g');
const MULTI_LINE = new RegExp([MULTILINE_CONTROL, BIDI_CONTROL, LONE_SURROGATE].map((r) => r.source).join('|'), 'g');

const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The problem with a single-line value, for a 400's per-field errors, or undefined when it is fine. */
export function singleLineProblem(value: string): string | undefined {
  const found = value.match(SINGLE_LINE);
  if (!found) return undefined;
  return `must not contain line breaks, control, bidirectional or zero-width characters (found ${[...new Set(found.map(codePoint))].join(', ')})`;
}

/** The problem with a multi-line value, or undefined when it is fine. */
export function multiLineProblem(value: string): string | undefined {
  const found = value.match(MULTI_LINE);
  if (!found) return undefined;
  return `must not contain control characters other than tab and line breaks, bidirectional overrides or isolates (found ${[...new Set(found.map(codePoint))].join(', ')})`;
}

/**
 * A display name as it may be shown and stored: line breaks and control characters become
 * spaces, bidirectional controls and zero-width characters go, spaces collapse; at most `max`
 * code points (never half a surrogate pair). Empty afterwards means there was no usable name.
 */
export function displayName(value: string, max: number): string {
  const cleaned = value
    .replace(new RegExp(`${CONTROL.source}|${LONE_SURROGATE.source}`, 'g'), ' ')
    .replace(new RegExp(`${BIDI_CONTROL.source}|${BIDI_MARK.source}|${ZERO_WIDTH.source}`, 'g'), '')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(cleaned).slice(0, max).join('').trim();
}

/** Escapes text for HTML element content and quoted attribute values (pages and email drafts). */
export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}
