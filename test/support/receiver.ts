/**
 * A loopback webhook receiver for tests: records every request and verifies its Standard
 * Webhooks signature with its own code (not the service's), answering as each path is told to.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed CloudEvent. */
  event: any;
  at: number;
}

export type Answer = { status: number; headers?: Record<string, string>; body?: string };

/** Whether `header` (space-separated `v1,<base64>` entries) holds a valid signature by `secret`. */
export function verifySignature(secret: string, id: string, timestamp: string, body: string, header: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return header.split(' ').some((entry) => {
    const [version, sig] = entry.split(',');
    if (version !== 'v1' || !sig) return false;
    const given = Buffer.from(sig, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export class Receiver {
  readonly received: Received[] = [];
  private readonly answers = new Map<string, (n: number) => Answer>();
  private server: Server | undefined;
  url = '';

  /** How `path` answers its n-th request (1-based); 200 by default. */
  on(path: string, answer: (n: number) => Answer): void {
    this.answers.set(path, answer);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        let event: unknown;
        try {
          event = JSON.parse(body);
        } catch {
          event = undefined;
        }
        this.received.push({ path, headers: req.headers, body, event, at: Date.now() });
        const n = this.at(path).length;
        const a = this.answers.get(path)?.(n) ?? { status: 200 };
        res.writeHead(a.status, a.headers ?? {});
        res.end(a.body ?? 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
