import { lookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Every address a host name resolves to (IPv4 and IPv6); an IP literal resolves to itself. */
export type HostResolver = (host: string) => Promise<string[]>;

const RESOLVE_TIMEOUT_MS = 2_000;

/**
 * The resolver previews use: the system's (dns.lookup, so /etc/hosts and the OS configuration
 * apply) unless CHATFLOW_DNS_SERVERS names servers, which are then asked directly. A resolver of
 * its own, so nothing else in the process (database, Kafka) changes resolver.
 */
export function createHostResolver(servers: readonly string[] = []): HostResolver {
  if (servers.length === 0) {
    return async (host) => {
      if (isIP(host)) return [host];
      const answers = await lookup(host, { all: true, verbatim: true });
      return answers.map((answer) => answer.address);
    };
  }
  const resolver = new Resolver({ timeout: RESOLVE_TIMEOUT_MS, tries: 2 });
  resolver.setServers([...servers]);
  return async (host) => {
    if (isIP(host)) return [host];
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (addresses.length === 0 && v4.status === 'rejected') throw v4.reason;
    return addresses;
  };
}

/** Whether a CHATFLOW_DNS_SERVERS entry is `ip`, `ip:port` or `[ipv6]:port` (as Resolver.setServers takes them). */
export function isDnsServer(entry: string): boolean {
  const withPort = entry.match(/^\[([^\]]+)\]:(\d{1,5})$/) ?? entry.match(/^([^:]+):(\d{1,5})$/);
  if (!withPort) return isIP(entry) !== 0;
  const family = isIP(withPort[1]!);
  const port = Number(withPort[2]);
  return family !== 0 && (family === 6) === entry.startsWith('[') && port >= 1 && port <= 65535;
}
