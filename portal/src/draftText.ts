/** The draft's text as the partner's email app and the service receive it. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The edited message as HTML: escaped text, line breaks kept, and the link as the href of a visible anchor. */
export function messageHtml(text: string, url: string): string {
  const paragraphs = text.split(/\n{2,}/).map((p) =>
    escapeHtml(p)
      .split(escapeHtml(url))
      .join(`<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`)
      .replace(/\n/g, '<br>'),
  );
  return paragraphs.map((p) => `<p>${p}</p>`).join('\n');
}

export const mailtoHref = (to: string, subject: string, body: string) =>
  `mailto:${encodeURIComponent(to)}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body.replace(/\r?\n/g, '\r\n'))}`;
