/**
 * A loopback webhook receiver for tests: records every request and judges it with outside
 * code, not the service's: signatures with the official `standardwebhooks` package, bodies
 * with the `cloudevents` SDK (structured mode, validated). Each path answers as it is told to.
 */
import { CloudEvent, HTTP } from 'cloudevents';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The event as the CloudEvents SDK reads the request (validated); the raw JSON when it cannot. */
  event: any;
  /** Why the CloudEvents SDK refused the request, if it did. */
  eventError?: string;
  at: number;
}

export type Answer = { status: number; headers?: Record<string, string>; body?: string };

/**
 * Whether the official Standard Webhooks verifier accepts `body` as signed by `secret` (a
 * `whsec_` secret) with these headers: any of the space-separated `v1,` signatures, and a
 * timestamp within its five-minute tolerance.
 */
export function verifySignature(secret: string, id: string, timestamp: string, body: string, header: string): boolean {
  try {
    new Webhook(secret).verify(body, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': header });
    return true;
  } catch (e) {
    if (e instanceof WebhookVerificationError) return false;
    throw e;
  }
}

/** Whether a received delivery verifies, by the official verifier, as signed by `secret`. */
export function signedBy(r: Received, secret: string, body = r.body): boolean {
  const header = (name: string) => String(r.headers[name]);
  return verifySignature(secret, header('webhook-id'), header('webhook-timestamp'), body, header('webhook-signature'));
}

/** The request's verdict by the CloudEvents SDK: one event, valid under the 1.0 spec. */
function readEvent(headers: IncomingHttpHeaders, body: string): Pick<Received, 'event' | 'eventError'> {
  try {
    const read = HTTP.toEvent<Record<string, unknown>>({ headers, body });
    if (Array.isArray(read)) return { event: read, eventError: 'a batch, not one event' };
    const event = read as CloudEvent<Record<string, unknown>>;
    event.validate();
    // The SDK fills in a missing time: the service must send its own.
    if (typeof (JSON.parse(body) as { time?: unknown }).time !== 'string') return { event, eventError: 'no time attribute' };
    return { event };
  } catch (e) {
    let raw: unknown;
    try {
      raw = JSON.parse(body);
    } catch {
      raw = undefined;
    }
    return { event: raw, eventError: e instanceof Error ? e.message : String(e) };
  }
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
        this.received.push({ path, headers: req.headers, body, ...readEvent(req.headers, body), at: Date.now() });
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
