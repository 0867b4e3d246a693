import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkAddresses, checkUrl, hostOf, type PreviewRules } from './address-guard.ts';
import type { HostResolver } from './host-resolver.ts';

/** The guard refused a URL or an address (no connection was made to it). */
export class PreviewRefused extends Error {
  constructor(
    message: string,
    /** 0: the link itself; more: a redirect's target (a fetch has then happened). */
    readonly hop: number,
  ) {
    super(message);
  }
}

/** The fetch itself failed: unreachable, an HTTP error, the wrong type, too large, too slow. */
export class PreviewFetchFailed extends Error {}

/** Redirects followed for one fetch, each to a URL checked like the first. */
export const MAX_REDIRECTS = 3;
/** A connection that says nothing for this long is dropped (the whole fetch has its own deadline). */
const IDLE_TIMEOUT_MS = 3_000;

export interface FetchRequest {
  rules: PreviewRules;
  resolve: HostResolver;
  /** The Accept header, and which response media types are taken. */
  accept: string;
  acceptType: (mediaType: string) => boolean;
  maxBytes: number;
  /** Past maxBytes: keep what was read (a page's head) instead of failing (an image). */
  truncate: boolean;
  /** The deadline of the whole fetch, redirects included. */
  signal: AbortSignal;
}

export interface Fetched {
  /** Where the body came from, after redirects. */
  url: URL;
  mediaType: string;
  charset?: string;
  body: Buffer;
  truncated: boolean;
}

/**
 * GET for link previews, against SSRF: each hop's URL is checked, its host resolved and every
 * address checked, and the connection goes to exactly the checked address (a `lookup` that answers
 * only that address, so a second DNS answer cannot rebind it). Redirects are followed by hand, at
 * most MAX_REDIRECTS, each one checked again. No keep-alive pool: a socket is never reused for
 * another host. Bodies are read up to maxBytes, uncompressed.
 */
export async function guardedFetch(start: URL, request: FetchRequest): Promise<Fetched> {
  let url = start;
  for (let hop = 0; ; hop += 1) {
    const address = await checkedAddress(url, hop, request);
    const response = await get(url, address, request);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304) {
      response.destroy();
      const location = response.headers.location;
      if (!location) throw new PreviewFetchFailed(`HTTP ${status} without a location`);
      if (hop >= MAX_REDIRECTS) throw new PreviewFetchFailed(`more than ${MAX_REDIRECTS} redirects`);
      url = new URL(location, url);
      continue;
    }
    if (status !== 200) {
      response.destroy();
      throw new PreviewFetchFailed(`HTTP ${status}`);
    }
    const [mediaType = '', ...params] = (response.headers['content-type'] ?? '').split(';').map((part) => part.trim().toLowerCase());
    if (!request.acceptType(mediaType)) {
      response.destroy();
      throw new PreviewFetchFailed(`${mediaType || 'no type'} is not taken`);
    }
    const charset = params.find((param) => param.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
    const { body, truncated } = await readBounded(response, request);
    return { url, mediaType, charset, body, truncated };
  }
}

async function checkedAddress(url: URL, hop: number, request: FetchRequest): Promise<string> {
  const verdict = checkUrl(url, request.rules);
  if (!verdict.ok) throw new PreviewRefused(verdict.reason, hop);
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = await request.resolve(host);
  } catch {
    throw new PreviewFetchFailed(`${host} cannot be resolved`);
  }
  if (request.signal.aborted) throw new PreviewFetchFailed('timed out');
  const checked = checkAddresses(host, addresses, request.rules);
  if (!checked.ok) throw new PreviewRefused(checked.reason, hop);
  return addresses[0]!;
}

function get(url: URL, address: string, request: FetchRequest): Promise<IncomingMessage> {
  const family = isIP(address.replace(/%.*$/, ''));
  // Node asks for every address when it may try several (autoSelectFamily); either way only this one.
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'GET',
        agent: false,
        lookup,
        signal: request.signal,
        timeout: IDLE_TIMEOUT_MS,
        headers: { accept: request.accept, 'accept-encoding': 'identity', 'user-agent': 'Chat-Flow link preview' },
      },
      resolve,
    );
    req.on('timeout', () => req.destroy(new PreviewFetchFailed('no answer in time')));
    req.on('error', (error) => reject(error instanceof PreviewFetchFailed ? error : new PreviewFetchFailed(request.signal.aborted ? 'timed out' : error.message)));
    req.end();
  });
}

function readBounded(response: IncomingMessage, request: FetchRequest): Promise<{ body: Buffer; truncated: boolean }> {
  const declared = Number(response.headers['content-length']);
  if (!request.truncate && declared > request.maxBytes) {
    response.destroy();
    return Promise.reject(new PreviewFetchFailed(`larger than ${request.maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    response.on('data', (chunk: Buffer) => {
      if (settled) return;
      const room = request.maxBytes - size;
      if (chunk.length <= room) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      response.destroy();
      if (!request.truncate) return finish(() => reject(new PreviewFetchFailed(`larger than ${request.maxBytes} bytes`)));
      chunks.push(chunk.subarray(0, room));
      finish(() => resolve({ body: Buffer.concat(chunks), truncated: true }));
    });
    response.on('end', () => finish(() => resolve({ body: Buffer.concat(chunks), truncated: false })));
    response.on('error', () => finish(() => reject(new PreviewFetchFailed(request.signal.aborted ? 'timed out' : 'connection lost'))));
    response.on('close', () => finish(() => reject(new PreviewFetchFailed(request.signal.aborted ? 'timed out' : 'connection closed early'))));
  });
}
