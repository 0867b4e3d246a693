// Web pages for the link preview suites, on 127.0.0.1: an article with Open Graph tags and an
// image, redirects to where previews must not go, a page that never ends and one that never
// finishes. Every request is recorded, so a suite can check what the server fetched (or did not).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makePng } from './media-samples.ts';

export interface PreviewPages {
  port: number;
  /** `host path` of every request, in order (host without the port). */
  requests: string[];
  /** Requests to a path, on any host. */
  hits(path: string): number;
  /** Bytes of the endless page written before the reader hung up. */
  endlessBytesWritten(): number;
  close(): Promise<void>;
}

const MIB = 1024 * 1024;

export const ARTICLE_TITLE = 'Harbour lights return to the old quay';
export const ARTICLE_DESCRIPTION = 'The lamps along the quay shine again after forty years & a long restoration.';

const article = (image: string) => `<!doctype html><html><head><meta charset="utf-8">
<title>Fallback title, not the card's</title>
<meta property="og:title" content="${ARTICLE_TITLE}">
<meta property="og:description" content="${ARTICLE_DESCRIPTION.replace('&', '&amp;')}">
<meta property="og:site_name" content="Quay News">
<meta property="og:image" content="${image}">
</head><body><p>Story</p></body></html>`;

const html = (res: ServerResponse, body: string) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(body);
};

/** Starts the pages; the redirects point back at this server by its address, which the guard must refuse. */
export async function startPreviewPages(): Promise<PreviewPages> {
  const requests: string[] = [];
  const png = await makePng(640, 360);
  let endlessWritten = 0;
  const server = createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = req.url ?? '/';
    requests.push(`${host} ${path}`);
    const port = (server.address() as AddressInfo).port;
    switch (path.replace(/\?.*$/, '')) {
      case '/article':
      case '/second-article':
      case '/refused-first':
        return html(res, article('/images/harbour.png'));
      case '/plain':
        return html(res, '<html><head><title>  Plain &amp; simple  </title><meta name="description" content="Only the basics."></head></html>');
      case '/images/harbour.png':
        res.writeHead(200, { 'content-type': 'image/png' });
        return res.end(png);
      case '/big-image-article':
        return html(res, article('/images/huge.png'));
      case '/images/huge.png':
        res.writeHead(200, { 'content-type': 'image/png' });
        return res.end(Buffer.concat([png, Buffer.alloc(6 * MIB)]));
      case '/moved':
        res.writeHead(301, { location: '/plain' });
        return res.end();
      case '/to-loopback':
        res.writeHead(302, { location: `http://127.0.0.1:${port}/secret` });
        return res.end();
      case '/to-mapped-loopback':
        res.writeHead(302, { location: `http://[::ffff:127.0.0.1]:${port}/secret` });
        return res.end();
      case '/to-internal-name':
        res.writeHead(302, { location: `http://internal.example-preview.com:${port}/secret` });
        return res.end();
      case '/loop':
        res.writeHead(302, { location: '/loop' });
        return res.end();
      case '/secret':
        return html(res, '<title>Internal admin panel</title>');
      case '/not-html':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('<title>Not a page</title>');
      case '/endless': {
        // A page that never ends: its head first, then filler for as long as anyone reads.
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.write('<html><head><title>Endless page</title></head><body>');
        const filler = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (!res.destroyed && endlessWritten < 256 * MIB) {
            endlessWritten += filler.length;
            if (!res.write(filler)) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      case '/slow': {
        // Headers at once, then a byte now and then, never finishing.
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.write('<html><head><title>Slow page</title>');
        const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(' ')), 200);
        res.on('close', () => clearInterval(drip));
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/html' });
        return res.end('<title>Not found</title>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    hits: (path) => requests.filter((r) => r.split(' ')[1] === path).length,
    endlessBytesWritten: () => endlessWritten,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
