/**
 * Does an edited email body really carry the invitation link? A substring match is not enough:
 * the link can sit in a comment, in a hidden element, or be followed by more characters so that
 * the link a mail client makes of it is another one. These rules are strict on purpose: the
 * service's sender domain vouches for what goes out, so a send must always show the customer
 * the genuine link.
 *
 * - html: read by parse5, the WHATWG parser that browsers and mail clients follow, so the tree
 *   checked is the tree shown (a nested `<a>` splits, an unclosed tag or comment swallows the
 *   rest, `<template>` content is inert, `<svg>`/`<math>` are foreign). The link must be the href
 *   (exactly, after the trimming browsers do) of an HTML `<a>` with non-blank text of its own,
 *   outside `<head>` (and not before a `</head>` the parser ignored), `<template>`, `<noscript>`,
 *   `<select>`, `<object>`, foreign content, closed `<details>`/`<dialog>` and Outlook's
 *   conditional markup, with no ancestor (nor itself) hidden by `hidden`, `aria-hidden="true"`
 *   or an inline style (hidingStyles.ts). Text hidden the same way inside the anchor does not
 *   count. A body that readers disagree on is refused whole: a comment that ends early (`<!-->`,
 *   `--!>`), or a stylesheet that hides anything (which elements it hides cannot be told here).
 *   `<noscript>` reads differently with and without scripting, so such a body must pass both.
 * - text: the URL delimited as a URL: not preceded by a letter, digit or URL character, and not
 *   followed by one (a sentence's final `.`, `,`, `;`, `:`, `!`, `?` or `)` is fine when a space
 *   or the end follows it, as mail clients leave those out of the link).
 */
import { html as spec, parse, type DefaultTreeAdapterMap } from 'parse5';
import { cssHides } from './hidingStyles';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/** Elements whose content a reader never sees as part of the body. */
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
]);
/** Elements that hide their content until opened (a `<summary>` stays visible). */
const CLOSED_UNTIL_OPEN = new Set(['details', 'dialog']);

/**
 * Comments that end early (`<!-->`, `<!--->`) or oddly (`--!>`): browsers end them there, other
 * readers do not. Looked for in the source, anywhere: cheaper than parse5's error reporting, and
 * stricter.
 */
const AMBIGUOUS_COMMENT = /<!---?>|--!>/;

const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name && !a.namespace)?.value;

function hiddenElement(el: Element, parentHidden: boolean): boolean {
  if (parentHidden || el.namespaceURI !== spec.NS.HTML || HIDDEN_ELEMENTS.has(el.tagName)) return true;
  if (attr(el, 'hidden') !== undefined || (attr(el, 'aria-hidden') ?? '').trim().toLowerCase() === 'true') return true;
  const style = attr(el, 'style');
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

const BLANK = /^[\s\u00a0\u200b-\u200d\u2060\ufeff]*$/;
/** Outlook's conditional markup: `<!--[if mso]>`, `<![if !mso]>`, `<!--[if !mso]><!-->` open; `[endif]` closes. */
const CONDITIONAL_OPEN = /^\s*\[if\b/i;
const CONDITIONAL_CLOSE = /\[endif\]\s*$/i;

interface Frame {
  node: Node;
  hidden: boolean;
  /** The link anchor this node is inside, if any (an anchor's own text is what a reader clicks). */
  inLink: boolean;
}

interface Reading {
  found: boolean;
  stylesheet: boolean;
}

/** Walks one parse of `html` in document order, without recursion (bodies nest thousands deep). */
function read(html: string, url: string, scriptingEnabled: boolean, headEnd: number): Reading {
  const doc = parse(html, { scriptingEnabled, sourceCodeLocationInfo: headEnd >= 0 });
  const out: Reading = { found: false, stylesheet: false };
  let conditional = 0;
  const stack: Frame[] = [{ node: doc, hidden: false, inLink: false }];
  while (stack.length) {
    const { node, hidden, inLink } = stack.pop()!;
    if (node.nodeName === '#text') {
      if (inLink && !hidden && !BLANK.test((node as DefaultTreeAdapterMap['textNode']).value)) out.found = true;
      continue;
    }
    if (node.nodeName === '#comment') {
      const data = (node as DefaultTreeAdapterMap['commentNode']).data;
      if (CONDITIONAL_OPEN.test(data)) conditional++;
      if (CONDITIONAL_CLOSE.test(data)) conditional = Math.max(0, conditional - 1);
      continue;
    }
    let childHidden = hidden;
    let childInLink = inLink;
    let summaryHidden: boolean | undefined;
    if ('tagName' in node) {
      const el = node;
      if (el.tagName === 'style') out.stylesheet ||= stylesheetHides(el);
      if (el.tagName === 'link' && /\bstylesheet\b/i.test(attr(el, 'rel') ?? '')) out.stylesheet = true;
      const ownHidden = hiddenElement(el, hidden);
      childHidden = ownHidden || (CLOSED_UNTIL_OPEN.has(el.tagName) && attr(el, 'open') === undefined);
      // A closed <details> still shows its <summary>.
      if (el.tagName === 'details') summaryHidden = ownHidden;
      if (el.tagName === 'a' && el.namespaceURI === spec.NS.HTML) {
        const href = attr(el, 'href');
        const beforeHeadEnd = headEnd >= 0 && (el.sourceCodeLocation?.startOffset ?? 0) < headEnd;
        childInLink = !childHidden && conditional === 0 && !beforeHeadEnd && href !== undefined && trimUrl(href) === url;
      }
      // Template content is inert, but a stylesheet inside it still counts against the body.
      if (el.tagName === 'template') stack.push({ node: (el as DefaultTreeAdapterMap['template']).content, hidden: true, inLink: false });
    }
    const children = (node as { childNodes?: Node[] }).childNodes ?? [];
    for (let k = children.length - 1; k >= 0; k--) {
      const child = children[k]!;
      const isSummary = summaryHidden !== undefined && child.nodeName === 'summary';
      stack.push({ node: child, hidden: isSummary ? summaryHidden! : childHidden, inLink: childInLink });
    }
  }
  return out;
}

function stylesheetHides(style: Element): boolean {
  const css = style.childNodes.map((c) => (c.nodeName === '#text' ? (c as DefaultTreeAdapterMap['textNode']).value : '')).join('');
  return cssHides(css) || /@import/i.test(css);
}

export type HtmlLinkCheck = { ok: true } | { ok: false; reason: string };

/** Whether `html` shows `url` as the href of a visible anchor with visible text (see above). */
export function htmlHasVisibleLink(html: string, url: string): HtmlLinkCheck {
  if (AMBIGUOUS_COMMENT.test(html)) {
    return {
      ok: false,
      reason: 'must not hold a comment that ends early or oddly (<!-->, <!--->, --!>): mail clients read it differently',
    };
  }
  // A `</head>` the parser ignored still marks, for some readers, where the head ends.
  let headEnd = -1;
  for (const m of html.matchAll(/<\/head[\s/>]/gi)) headEnd = m.index;
  const readings = [read(html, url, true, headEnd)];
  if (/<noscript/i.test(html)) readings.push(read(html, url, false, headEnd));
  if (readings.some((r) => r.stylesheet)) {
    return {
      ok: false,
      reason:
        'must not hide content with a stylesheet (<style> with display:none and the like, @import, or <link rel="stylesheet">); use inline styles',
    };
  }
  return readings.every((r) => r.found)
    ? { ok: true }
    : { ok: false, reason: `must show the invitation URL as the href of a visible link: <a href="${url}">…</a>` };
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
