/**
 * Which CSS hides what it applies to, for the edited draft's link check (emailLinks.ts). The
 * rules read declarations, not selectors: an inline `style` hides its element (and what is inside
 * it); a stylesheet with any such declaration hides elements nobody can name without a CSS
 * engine, so the link check refuses the whole body. Strict on purpose: a near-invisible link is
 * as good as a hidden one to whoever hides it.
 */

/** A zero length: `0`, `0px`, `0.0em`, `.0em`, `-0`, `0%`... (not `auto` nor `inherit`). */
const ZERO = String.raw`[-+]?(?:0+(?:\.0*)?|\.0+)(?:[a-z%]+)?`;
/** Where a declaration's value ends. */
const END = String.raw`\s*(?:!important\s*)?(?:;|}|$)`;
/** A declaration's start: the property name after the start, `;`, `{` or a space. */
const at = (property: string) => String.raw`(?:^|[;{\s])(?:${property})\s*:\s*`;

const HIDING_DECLARATIONS = [
  new RegExp(at('display') + String.raw`none\b`),
  new RegExp(at('visibility') + String.raw`(?:hidden|collapse)\b`),
  new RegExp(at('opacity') + ZERO + END),
  new RegExp(at('font-size|height|max-height|width|max-width|line-height') + ZERO + END),
  new RegExp(at('mso-hide') + String.raw`all\b`),
  new RegExp(at('content-visibility') + String.raw`hidden\b`),
  new RegExp(at('clip-path')),
  new RegExp(at('clip') + 'rect'),
  new RegExp(at('text-indent') + '-'),
  new RegExp(at('transform') + String.raw`scale\(\s*0*(?:\.0+)?\s*[,)]`),
  new RegExp(at('left|top|right|bottom|margin-left|margin-top') + String.raw`-\s*\d{3,}`),
];

/** The smallest readable font size, per unit: below it the text is a dot (1px, 0.2em, 3pt...). */
const MIN_FONT: Record<string, number> = { px: 6, pt: 4.5, pc: 0.375, mm: 1.6, q: 6.4, cm: 0.16, in: 0.0625, em: 0.4, rem: 0.4, '%': 40 };
/** Width or height at or below one pixel: the box shows a dot at most. */
const MAX_TINY_BOX: Record<string, number> = { px: 1, pt: 0.75 };

const FONT_SIZE = new RegExp(at('font-size') + String.raw`(\d*\.?\d+)\s*([a-z%]+)` + END, 'g');
const BOX = new RegExp(at('height|max-height|width|max-width') + String.raw`(\d*\.?\d+)\s*([a-z%]+)` + END, 'g');

function anyBelow(css: string, re: RegExp, limits: Record<string, number>, inclusive: boolean): boolean {
  for (const m of css.matchAll(re)) {
    const limit = limits[m[2]!];
    const size = Number(m[1]);
    if (limit !== undefined && (inclusive ? size <= limit : size < limit)) return true;
  }
  return false;
}

/** Whether CSS text (an inline style or a stylesheet) hides, or shrinks to a dot, what it applies to. */
export function cssHides(css: string): boolean {
  const normalised = css
    .toLowerCase()
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, ' ')
    .replace(/\\/g, '');
  return (
    HIDING_DECLARATIONS.some((re) => re.test(normalised)) ||
    anyBelow(normalised, FONT_SIZE, MIN_FONT, false) ||
    anyBelow(normalised, BOX, MAX_TINY_BOX, true)
  );
}
