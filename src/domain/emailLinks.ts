/**
 * Does an edited email body really carry the invitation link? A substring match is not enough:
 * the link can sit in a comment, in a hidden element, or be followed by more characters so that
 * the link a mail client makes of it is another one. These rules are strict on purpose: the
 * service's sender domain vouches for what goes out, so a send must always show the customer
 * the genuine link.
 *
 * - html: an `<a href="URL">` (the value exactly, after entity decoding and the trimming
 *   browsers do) with visible, non-blank text, outside comments, outside `<head>`, `<template>`,
 *   `<script>`, `<style>`, `<title>`, `<noscript>` and the like, and with no ancestor (nor itself)
 *   hidden by the `hidden` attribute, `aria-hidden="true"`, or an inline style such as
 *   `display:none`, `visibility:hidden`, `opacity:0`, a zero `font-size`, `height`, `width` or
 *   `max-height`, or `mso-hide:all`. Text hidden the same way inside the anchor does not count.
 *   A stylesheet that hides anything (`<style>` with such a declaration, `@import`, or a
 *   `<link rel="stylesheet">`) refuses the body: which elements it hides cannot be told here.
 * - text: the URL delimited as a URL: not preceded by a letter, digit or URL character, and not
 *   followed by one (a sentence's final `.`, `,`, `;`, `:`, `!`, `?` or `)` is fine when a space
 *   or the end follows it, as mail clients leave those out of the link).
 *
 * The tokenizer is small and tolerant (it never throws): unknown or broken markup is read the
 * way browsers read it where that matters (an unterminated comment or hidden element hides
 * everything after it).
 */

/** Elements whose content is never shown as part of the body (or not parsed as markup at all). */
const HIDDEN_ELEMENTS = new Set([
  'head',
  'template',
  'script',
  'style',
  'title',
  'noscript',
  'noembed',
  'noframes',
  'iframe',
  'object',
  'textarea',
  'select',
  'datalist',
  'xmp',
  'svg',
  'math',
]);

/** Elements whose content is raw text up to their end tag (no tags inside). */
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp', 'noembed', 'noframes', 'iframe', 'noscript', 'plaintext']);

const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
  'param',
  'keygen',
]);

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the character references that matter for comparing an href (numeric and the common named ones). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);?/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** A zero length: `0`, `0px`, `0.0em`, `-0`, `0%`... */
const ZERO = String.raw`[-+]?0*(?:\.0+)?(?:[a-z%]+)?`;
const HIDING_DECLARATIONS = [
  /(?:^|[;{\s])display\s*:\s*none\b/,
  /(?:^|[;{\s])visibility\s*:\s*(?:hidden|collapse)\b/,
  new RegExp(String.raw`(?:^|[;{\s])opacity\s*:\s*${ZERO}\s*(?:!important\s*)?(?:;|}|$)`),
  new RegExp(
    String.raw`(?:^|[;{\s])(?:font-size|height|max-height|width|max-width|line-height)\s*:\s*${ZERO}\s*(?:!important\s*)?(?:;|}|$)`,
  ),
  /(?:^|[;{\s])mso-hide\s*:\s*all\b/,
  /(?:^|[;{\s])content-visibility\s*:\s*hidden\b/,
  /(?:^|[;{\s])clip-path\s*:/,
  /(?:^|[;{\s])clip\s*:\s*rect/,
  /(?:^|[;{\s])text-indent\s*:\s*-/,
  /(?:^|[;{\s])transform\s*:\s*scale\(\s*0*(?:\.0+)?\s*[,)]/,
  /(?:^|[;{\s])(?:left|top|right|bottom|margin-left|margin-top)\s*:\s*-\s*\d{3,}/,
];

/** Whether CSS text (an inline style or a stylesheet) hides what it applies to. */
export function cssHides(css: string): boolean {
  const normalised = decodeEntities(css)
    .toLowerCase()
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, ' ')
    .replace(/\\/g, '');
  return HIDING_DECLARATIONS.some((re) => re.test(normalised));
}

interface Tag {
  name: string;
  end: boolean;
  attrs: Map<string, string>;
  selfClosing: boolean;
}

const TAG_OPEN = /<(\/?)([A-Za-z][^\s/>]*)/y;

/** Reads a tag starting at `<` at `i`; returns it and where the markup continues. */
function readTag(html: string, i: number): { tag: Tag; next: number } | undefined {
  TAG_OPEN.lastIndex = i;
  const m = TAG_OPEN.exec(html);
  if (!m) return undefined;
  const tag: Tag = { name: m[2]!.toLowerCase(), end: m[1] === '/', attrs: new Map(), selfClosing: false };
  let j = i + m[0].length;
  const n = html.length;
  while (j < n) {
    while (j < n && /[\s/]/.test(html[j]!)) {
      if (html[j] === '/' && html[j + 1] === '>') tag.selfClosing = true;
      j++;
    }
    if (j >= n) break;
    if (html[j] === '>') return { tag, next: j + 1 };
    let name = '';
    // An attribute name may start with '=' (browsers take it as a name character there).
    if (html[j] === '=') name += html[j++];
    while (j < n && !/[\s/>=]/.test(html[j]!)) name += html[j++];
    while (j < n && /\s/.test(html[j]!)) j++;
    let value = '';
    if (html[j] === '=') {
      j++;
      while (j < n && /\s/.test(html[j]!)) j++;
      const q = html[j];
      if (q === '"' || q === "'") {
        const close = html.indexOf(q, j + 1);
        const stop = close === -1 ? n : close;
        value = html.slice(j + 1, stop);
        j = stop + 1;
      } else {
        while (j < n && !/[\s>]/.test(html[j]!)) value += html[j++];
      }
    }
    const key = name.toLowerCase();
    // The first of a repeated attribute wins, as in browsers.
    if (key && !tag.attrs.has(key)) tag.attrs.set(key, decodeEntities(value));
  }
  // An unterminated tag swallows the rest of the document.
  return { tag, next: n };
}

function hiddenByAttributes(tag: Tag): boolean {
  if (tag.attrs.has('hidden')) return true;
  if ((tag.attrs.get('aria-hidden') ?? '').trim().toLowerCase() === 'true') return true;
  const style = tag.attrs.get('style');
  return style !== undefined && cssHides(style);
}

/** Browsers strip leading and trailing C0 controls and spaces from a URL (WHATWG URL). */
function trimUrl(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}

const RAW_TEXT_END = new Map<string, RegExp>();
/** The end tag of a raw-text element (case-insensitive), compiled once per name. */
function rawTextEnd(name: string): RegExp {
  let re = RAW_TEXT_END.get(name);
  if (!re) RAW_TEXT_END.set(name, (re = new RegExp(`</${name}[\\s/>]`, 'gi')));
  return re;
}

interface Open {
  name: string;
  hidden: boolean;
}

export type HtmlLinkCheck = { ok: true } | { ok: false; reason: string };

/** Whether `html` shows `url` as the href of a visible anchor with visible text (see above). */
export function htmlHasVisibleLink(html: string, url: string): HtmlLinkCheck {
  const stack: Open[] = [];
  const hiddenNow = () => stack.length > 0 && stack[stack.length - 1]!.hidden;
  /** The anchor being read: its stack depth, whether it is the link, and its visible text so far. */
  let anchor: { depth: number; isLink: boolean; text: string } | undefined;
  let found = false;
  let stylesheet = false;
  /** How many elements of each name are open: keeps stray end tags cheap (a body may hold thousands). */
  const openCount = new Map<string, number>();
  const push = (o: Open) => {
    stack.push(o);
    openCount.set(o.name, (openCount.get(o.name) ?? 0) + 1);
  };
  /** Closes every element from `depth` up. */
  const popTo = (depth: number) => {
    while (stack.length > depth) {
      const o = stack.pop()!;
      openCount.set(o.name, openCount.get(o.name)! - 1);
    }
  };

  const closeAnchor = () => {
    if (anchor?.isLink && anchor.text.replace(/[\s\u00a0\u200b-\u200d\u2060\ufeff]+/g, '') !== '') found = true;
    anchor = undefined;
  };

  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) {
      if (anchor && !hiddenNow()) anchor.text += decodeEntities(html.slice(i, textEnd));
      i = textEnd;
      continue;
    }
    // Comments, doctype, CDATA, processing instructions.
    if (html.startsWith('<!--', i)) {
      const close = /--!?>/g;
      close.lastIndex = i + 4;
      // `<!-->` and `<!--->` end at once, as in browsers.
      const early = /^<!--->?|^<!-->/.exec(html.slice(i, i + 5));
      if (early && early[0].endsWith('>')) {
        i += early[0].length;
        continue;
      }
      const m = close.exec(html);
      i = m ? m.index + m[0].length : n;
      continue;
    }
    if (html.startsWith('<!', i) || html.startsWith('<?', i) || html.startsWith('</ ', i)) {
      const close = html.indexOf('>', i + 2);
      i = close === -1 ? n : close + 1;
      continue;
    }
    const read = readTag(html, i);
    if (!read) {
      // A lone '<' is text.
      if (anchor && !hiddenNow()) anchor.text += '<';
      i++;
      continue;
    }
    const { tag } = read;
    i = read.next;
    if (tag.end) {
      // An end tag without an open element of its name is ignored (in O(1): no scan of the stack).
      if (!(openCount.get(tag.name) ?? 0)) continue;
      let at = stack.length - 1;
      while (stack[at]!.name !== tag.name) at--;
      if (anchor && at < anchor.depth) closeAnchor();
      popTo(at);
      if (anchor && tag.name === 'a' && at === anchor.depth) closeAnchor();
      continue;
    }
    // <body> ends an unclosed <head>, as in browsers.
    if (tag.name === 'body') {
      if (openCount.get('head')) popTo(stack.findIndex((o) => o.name === 'head'));
    }
    if (tag.name === 'link' && /\bstylesheet\b/i.test(tag.attrs.get('rel') ?? '')) stylesheet = true;
    const hidden = hiddenNow() || HIDDEN_ELEMENTS.has(tag.name) || hiddenByAttributes(tag);
    if (tag.name === 'a') {
      // An anchor inside an anchor closes the first one, as in browsers.
      if (anchor) {
        const depth = anchor.depth;
        closeAnchor();
        popTo(depth);
      }
      const href = trimUrl(tag.attrs.get('href') ?? '');
      anchor = { depth: stack.length, isLink: !hidden && tag.attrs.has('href') && href === url, text: '' };
    }
    if (VOID_ELEMENTS.has(tag.name)) continue;
    if (RAW_TEXT.has(tag.name)) {
      if (tag.name === 'plaintext') break;
      const close = rawTextEnd(tag.name);
      close.lastIndex = i;
      const m = close.exec(html);
      const contentEnd = m ? m.index : n;
      if (tag.name === 'style') {
        const content = html.slice(i, contentEnd);
        if (cssHides(content) || /@import/i.test(content)) stylesheet = true;
      }
      if (!m) break;
      const endTag = html.indexOf('>', m.index);
      i = endTag === -1 ? n : endTag + 1;
      continue;
    }
    push({ name: tag.name, hidden });
  }
  closeAnchor();
  if (stylesheet) {
    return {
      ok: false,
      reason:
        'must not hide content with a stylesheet (<style> with display:none and the like, @import, or <link rel="stylesheet">); use inline styles',
    };
  }
  return found ? { ok: true } : { ok: false, reason: `must show the invitation URL as the href of a visible link: <a href="${url}">…</a>` };
}

/** Characters that may continue a URL (RFC 3986), so the link a mail client makes would be another one. */
const URL_CHAR = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;
/** Trailing punctuation mail clients leave out of a link when a space or the end follows. */
const SENTENCE_END = /[.,;:!?)]/;

/** Whether `text` contains `url` delimited as a URL (see above). */
export function textHasLink(text: string, url: string): boolean {
  for (let at = text.indexOf(url); at !== -1; at = text.indexOf(url, at + 1)) {
    const before = at > 0 ? text[at - 1]! : '';
    if (before && URL_CHAR.test(before) && !'(<["\':'.includes(before)) continue;
    const after = text.slice(at + url.length);
    if (after === '' || !URL_CHAR.test(after[0]!)) return true;
    // "URL." or "URL)," then a space or the end: the link is still exactly URL.
    const m = /^[.,;:!?)]+/.exec(after);
    if (m && SENTENCE_END.test(after[0]!) && (m[0].length === after.length || !URL_CHAR.test(after[m[0].length]!))) return true;
  }
  return false;
}
