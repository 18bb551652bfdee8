/**
 * The partner portal's static files for the local runner (`npm start` serves it at /portal/ on
 * the API's origin, so the runner's sign-in form and session cookie work for it). In Azure the
 * same files are an Azure Static Web App. Only files of the built portal directory are served.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

export const PORTAL_PATH = '/portal/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** What the portal's pages may load: its own files, and the API (same origin locally). */
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * Answers `/`, `/portal` and `/portal/...` from `dir` (the built portal) and returns true, or
 * returns false for any other path (the API's, the sign-in's).
 */
export async function servePortal(req: IncomingMessage, res: ServerResponse, pathname: string, dir: string): Promise<boolean> {
  const method = req.method ?? 'GET';
  if (pathname === '/' || pathname === '/portal' || pathname === '/index.html') {
    if (method !== 'GET' && method !== 'HEAD') return false;
    res.writeHead(302, { Location: PORTAL_PATH, 'Cache-Control': 'no-store' });
    res.end();
    return true;
  }
  if (!pathname.startsWith(PORTAL_PATH)) return false;
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Method not allowed');
    return true;
  }
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice(PORTAL_PATH.length)) || 'index.html';
  } catch {
    relative = '';
  }
  const file = normalize(join(dir, relative));
  // No way out of the portal's directory (`..`, encoded or not), no NUL, no dotfiles.
  const inside = file.startsWith(normalize(dir) + sep) && !relative.includes('\0') && !/(^|[/\\])\./.test(relative);
  const body = inside ? await readFile(file).catch(() => undefined) : undefined;
  if (!body) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(relative === 'index.html' ? 'The portal is not built. Run `npm run build` (npm start does), then reload.' : 'Not found');
    return true;
  }
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': String(body.length),
    // Chunk names carry a hash; the entry files and config.json are checked on every load.
    'Cache-Control': relative.startsWith('chunks/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...(type.startsWith('text/html')
      ? { 'Content-Security-Policy': CSP, 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer' }
      : {}),
  });
  res.end(method === 'HEAD' ? undefined : body);
  return true;
}
