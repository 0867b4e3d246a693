import { isIP } from 'node:net';

// The SSRF guard of link previews: which URLs the server may fetch for a preview and which
// addresses it may connect to. Pure functions; the fetcher (guarded-fetch.ts) applies them to every
// hop, on the address it actually connects to.

/** What the guard says about an address or a URL: allowed, or refused and why (for logs and tests). */
export type Verdict = { ok: true } | { ok: false; reason: string };

const OK: Verdict = { ok: true };
const refused = (reason: string): Verdict => ({ ok: false, reason });

/** Ports a preview may use without the admin listing them. */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

// IPv4 ranges that are not the public internet (IANA special-purpose registry), as [first, prefix].
const IPV4_BLOCKED: [string, number, string][] = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved and broadcast'],
];

// IPv6 ranges inside global unicast (2000::/3) that are still not the public internet.
const IPV6_BLOCKED: [string, number, string][] = [
  ['2001::', 23, 'IETF protocol assignments (Teredo and others)'],
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
];

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

const ipv4Ranges = IPV4_BLOCKED.map(([first, prefix, reason]) => ({ first: ipv4ToNumber(first), size: 2 ** (32 - prefix), reason }));

function classifyIpv4(address: string): Verdict {
  const n = ipv4ToNumber(address);
  const hit = ipv4Ranges.find((range) => n >= range.first && n < range.first + range.size);
  return hit ? refused(`${address} is ${hit.reason}`) : OK;
}

/** The 16 bytes of an IPv6 address (with or without an embedded dotted quad), or null. */
export function ipv6Bytes(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address;
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const n = ipv4ToNumber(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  if (groups.length !== 8) return null;
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

function inPrefix(bytes: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < bits; i += 1) {
    const bit = (b: number[]) => (b[i >> 3]! >> (7 - (i & 7))) & 1;
    if (bit(bytes) !== bit(prefix)) return false;
  }
  return true;
}

const ipv6Ranges = IPV6_BLOCKED.map(([first, prefix, reason]) => ({ bytes: ipv6Bytes(first)!, prefix, reason }));
const bytesToIpv4 = (bytes: number[]) => bytes.join('.');

function classifyIpv6(address: string): Verdict {
  const bytes = ipv6Bytes(address);
  if (!bytes) return refused(`${address} is not an address`);
  const zero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  // Forms that carry an IPv4 address are judged by that address: mapped (::ffff:a.b.c.d),
  // compatible (::a.b.c.d, which covers :: and ::1), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
  if (zero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return embedded(address, bytes.slice(12));
  if (zero(0, 12)) return embedded(address, bytes.slice(12));
  if (inPrefix(bytes, ipv6Bytes('64:ff9b::')!, 96)) return embedded(address, bytes.slice(12));
  if (inPrefix(bytes, ipv6Bytes('2002::')!, 16)) return embedded(address, bytes.slice(2, 6));
  // Everything outside global unicast: ULA fc00::/7, link-local fe80::/10, multicast ff00::/8, ...
  if (!inPrefix(bytes, ipv6Bytes('2000::')!, 3)) return refused(`${address} is not a global unicast address`);
  const hit = ipv6Ranges.find((range) => inPrefix(bytes, range.bytes, range.prefix));
  return hit ? refused(`${address} is ${hit.reason}`) : OK;
}

function embedded(address: string, ipv4: number[]): Verdict {
  const verdict = classifyIpv4(bytesToIpv4(ipv4));
  return verdict.ok ? OK : refused(`${address} carries ${verdict.reason}`);
}

/** Whether an address (as a resolver or URL parser writes it) is on the public internet. */
export function classifyAddress(address: string): Verdict {
  // A zone (fe80::1%eth0) only ever comes with link-local addresses; the address decides.
  const bare = address.replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return classifyIpv4(bare);
  if (family === 6) return classifyIpv6(bare);
  return refused(`${address} is not an address`);
}

/** A URL's host name as lists and resolvers take it: lower case, no brackets, no trailing dot. */
export function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '');
}

/** `example.com` matches that host only; `*.example.com` matches every host below it (not itself). */
export function hostMatches(host: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const p = pattern.toLowerCase().replace(/\.+$/, '');
    return p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p;
  });
}

/** The admin's rules for previews (settings): trusted hosts, refused hosts, extra ports. */
export interface PreviewRules {
  /** May resolve to private addresses (an intranet); still only over http(s) and allowed ports. */
  allowHosts: readonly string[];
  denyHosts: readonly string[];
  /** Ports besides 80 (http) and 443 (https). */
  ports: readonly number[];
}

/**
 * Checks what can be checked before any network use: scheme, credentials, port, deny-list. The
 * WHATWG URL parser has already turned odd IPv4 spellings (127.1, 0x7f000001, 017700000001) into
 * dotted quads, so an IP literal host is classified here exactly as a resolved address would be.
 */
export function checkUrl(url: URL, rules: PreviewRules): Verdict {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return refused(`${url.protocol} links are not previewed`);
  if (url.username || url.password) return refused('links with credentials are not previewed');
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol]!;
  if (port !== DEFAULT_PORTS[url.protocol] && !rules.ports.includes(port)) return refused(`port ${port} is not allowed`);
  const host = hostOf(url);
  if (!host) return refused('no host');
  if (hostMatches(host, rules.denyHosts)) return refused(`${host} is on the deny-list`);
  if (isIP(host) && !hostMatches(host, rules.allowHosts)) return classifyAddress(host);
  return OK;
}

/**
 * Checks the addresses a host resolved to: every one must be public (so a name cannot mix a public
 * and a private answer), unless the host is on the allow-list.
 */
export function checkAddresses(host: string, addresses: readonly string[], rules: PreviewRules): Verdict {
  if (addresses.length === 0) return refused(`${host} has no address`);
  if (hostMatches(host, rules.allowHosts)) return OK;
  for (const address of addresses) {
    const verdict = classifyAddress(address);
    if (!verdict.ok) return refused(`${host} resolves to ${verdict.reason}`);
  }
  return OK;
}
