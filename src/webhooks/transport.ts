/**
 * Posting to partners' receivers. Unless private targets are allowed (local runs only), the URL
 * must be https and the connection goes to an address resolved AND checked here, the same
 * resolution the socket uses (a custom `lookup`): a name that resolves to a public address when
 * registered and to a private one later (DNS rebinding) is refused at delivery. No redirect is
 * followed (node:http never follows one); 10 s per attempt; only the first bytes of the answer
 * are kept.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { DeliveryErrorClass, WebhookResponse, WebhookTransport } from '../domain/ports';
import { isPublicAddress, portAllowed } from './targets';

export const ATTEMPT_TIMEOUT_MS = 10_000;
export const EXCERPT_BYTES = 256;

export interface TransportOptions {
  allowPrivateTargets: boolean;
  timeoutMs?: number;
}

class RefusedTarget extends Error {
  override name = 'RefusedTarget';
}

/** Every address a host resolves to (an IP literal is itself). */
function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );
}

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/**
 * The class of a failed connection: never the socket's text (addresses, ports, OpenSSL
 * messages), which would make the service a port scanner for whoever picks the URL. A target
 * the policy refuses reads as a refused connection.
 */
export function errorClass(err: unknown): DeliveryErrorClass {
  const raw = (err as { code?: unknown } | undefined)?.code;
  const code = typeof raw === 'string' ? raw : '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA' || code === 'EAI_FAIL') return 'dns';
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|EPROTO$)/.test(code) || /ssl|tls/i.test(String(err))) {
    return 'tls';
  }
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'connection-refused';
}

export class HttpWebhookTransport implements WebhookTransport {
  constructor(private readonly options: TransportOptions) {}

  private schemeAllowed(url: URL): boolean {
    return url.protocol === 'https:' || (this.options.allowPrivateTargets && url.protocol === 'http:');
  }

  async allowed(raw: string): Promise<boolean> {
    if (!URL.canParse(raw)) return false;
    const url = new URL(raw);
    if (!this.schemeAllowed(url) || url.username || url.password || !portAllowed(url, this.options.allowPrivateTargets)) return false;
    if (this.options.allowPrivateTargets) return true;
    try {
      const addresses = await resolveAll(bare(url.hostname));
      return addresses.length > 0 && addresses.every((a) => isPublicAddress(a.address));
    } catch {
      return false;
    }
  }

  /** The socket's resolution: refuses the host if any address it resolves to is refused. */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses;
      if (!this.options.allowPrivateTargets && (list.length === 0 || !list.every((a) => isPublicAddress(a.address)))) {
        return callback(new RefusedTarget('the host resolves to a refused address'), '', 0);
      }
      const first = list[0]!;
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      else callback(null, first.address, first.family);
    });
  };

  post(raw: string, headers: Record<string, string>, body: string): Promise<WebhookResponse> {
    const refused: WebhookResponse = { error: 'connection-refused', excerpt: '' };
    if (!URL.canParse(raw)) return Promise.resolve(refused);
    const url = new URL(raw);
    if (!this.schemeAllowed(url) || !portAllowed(url, this.options.allowPrivateTargets)) return Promise.resolve(refused);
    // An IP literal is connected to without a lookup: checked here.
    const host = bare(url.hostname);
    if (!this.options.allowPrivateTargets && isIP(host) && !isPublicAddress(host)) return Promise.resolve(refused);
    const timeoutMs = this.options.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: WebhookResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        resolve(r);
      };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'reseller-relationships-webhooks/1' },
          lookup: this.lookup,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const finish = () =>
            done({ status: res.statusCode ?? 0, excerpt: Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_BYTES) });
          res.on('data', (c: Buffer) => {
            if (size < EXCERPT_BYTES) chunks.push(c.subarray(0, EXCERPT_BYTES - size));
            size += c.length;
            if (size >= EXCERPT_BYTES) finish();
          });
          res.on('end', finish);
          res.on('error', finish);
        },
      );
      const timer = setTimeout(() => done({ error: 'timeout', excerpt: '' }), timeoutMs);
      req.on('error', (err) => done({ error: err instanceof RefusedTarget ? 'connection-refused' : errorClass(err), excerpt: '' }));
      req.end(body);
    });
  }
}
