/** The repository carries its own docs: no Markdown link may point outside it, or at nothing. */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const SKIP = new Set(['node_modules', 'dist', '.git', 'coverage', 'test-results', '.azure', '.azurite']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** Inline links and images `[text](target)`, outside code spans and fenced blocks. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('Markdown links', () => {
  const files = markdownFiles(ROOT);

  it('finds the docs', () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['README.md', join('docs', 'api.md')]));
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s links only to files inside the repository', (_name, file) => {
    const bad: string[] = [];
    for (const target of links(readFileSync(file, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue; // https:, mailto:, same-page anchors
      const path = resolve(dirname(file), decodeURIComponent(target.split('#')[0]!));
      if (path !== ROOT && !path.startsWith(ROOT + sep)) bad.push(`${target} (outside the repository)`);
      else if (!existsSync(path)) bad.push(`${target} (no such file)`);
    }
    expect(bad).toEqual([]);
  });
});
