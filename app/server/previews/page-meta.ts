import { Parser } from 'htmlparser2';

/** What a page says about itself, for its card. */
export interface PageMeta {
  title: string | null;
  description: string | null;
  siteName: string | null;
  /** Absolute http(s) URL of the page's image, not yet fetched. */
  imageUrl: string | null;
}

const TITLE_MAX = 300;
const DESCRIPTION_MAX = 1_000;
const SITE_MAX = 100;

// Open Graph first, then the Twitter card, then the plain HTML fallbacks.
const TITLE_KEYS = ['og:title', 'twitter:title'];
const DESCRIPTION_KEYS = ['og:description', 'twitter:description', 'description'];
const SITE_KEYS = ['og:site_name', 'application-name'];
const IMAGE_KEYS = ['og:image:secure_url', 'og:image:url', 'og:image', 'twitter:image', 'twitter:image:src'];

/** Collapsed whitespace, cut at `max` characters; null when empty. */
function clean(value: string | undefined, max: number): string | null {
  const text = value?.replace(/\s+/g, ' ').trim();
  if (!text) return null;
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

/** The charset a page declares in its first bytes (`<meta charset>` or http-equiv), if any. */
function declaredCharset(head: Buffer): string | undefined {
  return head.toString('latin1', 0, Math.min(head.length, 2048)).match(/<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:-]+)/i)?.[1];
}

/** Decodes a page by its declared charset (header first, then the page), UTF-8 otherwise. */
export function decodePage(body: Buffer, headerCharset?: string): string {
  for (const label of [headerCharset, declaredCharset(body)]) {
    if (!label) continue;
    try {
      return new TextDecoder(label).decode(body);
    } catch {
      // an unknown label: try the next, then UTF-8
    }
  }
  return new TextDecoder('utf-8').decode(body);
}

function absoluteHttpUrl(value: string | undefined, base: URL): string | null {
  if (!value) return null;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** Reads title, description, site name and image from a page's meta tags, `<title>` as fallback. */
export function parsePageMeta(html: string, pageUrl: URL): PageMeta {
  const meta = new Map<string, string>();
  let title = '';
  let inTitle = false;
  let titleDone = false;
  let base = pageUrl;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'title' && !titleDone) inTitle = true;
        if (name === 'base' && attributes.href) base = new URL(absoluteHttpUrl(attributes.href, pageUrl) ?? pageUrl);
        if (name !== 'meta') return;
        const key = (attributes.property ?? attributes.name ?? '').trim().toLowerCase();
        // The first of each wins, as Open Graph readers do.
        if (key && attributes.content !== undefined && !meta.has(key)) meta.set(key, attributes.content);
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name !== 'title' || !inTitle) return;
        inTitle = false;
        titleDone = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const first = (keys: string[]) => keys.map((key) => meta.get(key)).find((value) => value?.trim());
  return {
    title: clean(first(TITLE_KEYS) ?? title, TITLE_MAX),
    description: clean(first(DESCRIPTION_KEYS), DESCRIPTION_MAX),
    siteName: clean(first(SITE_KEYS), SITE_MAX),
    imageUrl: absoluteHttpUrl(first(IMAGE_KEYS), base),
  };
}
