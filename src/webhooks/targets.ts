/**
 * Which addresses a webhook may reach. Refused: loopback, private (10/8, 172.16/12, 192.168/16,
 * fc00::/7), link-local (169.254/16, fe80::/10), CGNAT (100.64/10), cloud metadata
 * (169.254.169.254, fd00:ec2::254), site-local (fec0::/10), unspecified, multicast and reserved
 * ranges; an IPv6 address that carries an IPv4 one (compatible, mapped, translated, NAT64, 6to4)
 * is judged by that IPv4 address, and local-use NAT64 and Teredo are refused outright.
 */
import { BlockList, isIP } from 'node:net';

const refused = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  refused.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['100::', 64],
] as const) {
  refused.addSubnet(net, prefix, 'ipv6');
}

/** The 16 bytes of an IPv6 address (already known valid), the dotted IPv4 tail included. */
function ipv6Bytes(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((g) => [g >> 8, g & 255]);
}

const zero = (bytes: number[], from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
const v4 = (bytes: number[], at: number) => bytes.slice(at, at + 4).join('.');

/**
 * What an IPv6 address is judged by: the IPv4 address it carries (IPv4-compatible ::a.b.c.d,
 * mapped ::ffff:a.b.c.d, translated ::ffff:0:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16), or
 * `refuse` for forms that hide or route to private networks (local-use NAT64 64:ff9b:1::/48,
 * Teredo 2001::/32), or the address itself.
 */
function judgedAs(address: string): { ipv4: string } | 'refuse' | undefined {
  const b = ipv6Bytes(address);
  const word = (i: number) => (b[i]! << 8) | b[i + 1]!;
  if (zero(b, 0, 10) && word(10) === 0xffff) return { ipv4: v4(b, 12) };
  if (zero(b, 0, 12)) return { ipv4: v4(b, 12) };
  if (zero(b, 0, 8) && word(8) === 0xffff && word(10) === 0) return { ipv4: v4(b, 12) };
  if (word(0) === 0x64 && word(2) === 0xff9b && zero(b, 4, 12)) return { ipv4: v4(b, 12) };
  if (word(0) === 0x64 && word(2) === 0xff9b && word(4) === 1) return 'refuse';
  if (word(0) === 0x2002) return { ipv4: v4(b, 2) };
  if (word(0) === 0x2001 && word(2) === 0) return 'refuse';
  return undefined;
}

/** True when a webhook may connect to this IP address. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !refused.check(address, 'ipv4');
  if (family === 6) {
    const judged = judgedAs(address);
    if (judged === 'refuse') return false;
    if (judged) return !refused.check(judged.ipv4, 'ipv4');
    return !refused.check(address, 'ipv6');
  }
  return false;
}

/** Ports below 1024 are other services' (ssh, smtp...): only 443, and 80 where http is allowed. */
export function portAllowed(url: URL, httpAllowed: boolean): boolean {
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return port >= 1024 || port === 443 || (httpAllowed && port === 80);
}
