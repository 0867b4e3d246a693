import type { IncomingHttpHeaders } from 'node:http';

/** The browser-set headers a cross-site request cannot forge, as read from one request. */
export interface RequestSignals {
  origin?: string;
  secFetchSite?: string;
  referer?: string;
}

const first = (value: string | string[] | undefined): string | undefined =>
  (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() || undefined;

export function requestSignals(headers: IncomingHttpHeaders): RequestSignals {
  return { origin: first(headers.origin), secFetchSite: first(headers['sec-fetch-site']), referer: first(headers.referer) };
}

/**
 * The origin a request was addressed to: scheme and Host as the browser sent them, or, with proxy
 * trust, as the proxy forwarded them (the same reading as Koa's ctx.origin with `proxy: true`).
 */
export function ownOrigin(headers: IncomingHttpHeaders, encrypted: boolean, trustProxy: boolean): string | null {
  const host = (trustProxy ? first(headers['x-forwarded-host']) : undefined) ?? first(headers.host);
  const scheme = encrypted ? 'https' : ((trustProxy ? first(headers['x-forwarded-proto']) : undefined) ?? 'http');
  if (!host) return null;
  try {
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return null;
  }
}

function originOf(value: string): string | null {
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * Decides whether a browser request comes from a page Chat-Flow trusts: its own origin or one of
 * CHATFLOW_ALLOWED_ORIGINS. Used for the socket handshake and cookie-authenticated writes alike.
 */
export class OriginPolicy {
  private readonly allowed: Set<string>;

  constructor(allowedOrigins: readonly string[]) {
    this.allowed = new Set(allowedOrigins);
  }

  allowsOrigin(origin: string, own: string | null): boolean {
    const normalized = originOf(origin);
    return normalized !== null && (normalized === own || this.allowed.has(normalized));
  }

  /**
   * The rule, after OWASP's CSRF cheat sheet:
   * - an Origin header decides alone (`null`, another port, another host: refused);
   * - without one, Sec-Fetch-Site must say `same-origin` (browsers that send it send Origin on
   *   every cross-origin write, so this only backs the first rule up);
   * - without either, a Referer must be of an allowed origin;
   * - with none of the three the caller is not a browser (bots, curl, tests): a browser cannot be
   *   made to drop all of them on a cross-site request, so there is no victim to protect.
   */
  allowsRequest(signals: RequestSignals, own: string | null): boolean {
    if (signals.origin !== undefined) return this.allowsOrigin(signals.origin, own);
    if (signals.secFetchSite !== undefined) return signals.secFetchSite === 'same-origin';
    if (signals.referer !== undefined) return this.allowsOrigin(signals.referer, own);
    return true;
  }

  /** For the CSP's connect-src: the extra origins, plus their WebSocket forms. */
  connectSources(): string[] {
    return [...this.allowed].flatMap((origin) => [origin, origin.replace(/^http/, 'ws')]);
  }
}
