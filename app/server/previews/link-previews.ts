import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import type { Logger } from '../logger.ts';
import type { Settings, SettingsService } from '../settings/settings-service.ts';
import { makeThumbnail } from '../storage/thumbnails.ts';
import { checkUrl, hostOf, type PreviewRules } from './address-guard.ts';
import { guardedFetch, PreviewRefused } from './guarded-fetch.ts';
import type { HostResolver } from './host-resolver.ts';
import { decodePage, parsePageMeta } from './page-meta.ts';

const KIB = 1024;
/** Limits of one fetch: the page's first 512 KiB are read (meta tags live in its head); a larger image is refused. */
export const PREVIEW_LIMITS = { pageBytes: 512 * KIB, imageBytes: 5 * KIB * KIB, pageMs: 5_000, imageMs: 5_000 } as const;
const OK_TTL_MS = 24 * 60 * 60_000;
const FAILED_TTL_MS = 10 * 60_000;
// A card nobody asked for again this long after it expired is deleted (when another is stored).
const PRUNE_AFTER_MS = 7 * 24 * 60 * 60_000;
// Sniffed from the bytes; SVG (a document that can carry script) is never among them.
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);
// A small file can still unpack to a huge bitmap; larger pictures are not decoded at all.
const MAX_IMAGE_PIXELS = 40_000_000;

/** A cached preview as stored (link_previews), image bytes included. */
export interface LinkPreviewRow {
  urlHash: string;
  url: string;
  status: 'ok' | 'failed';
  title: string | null;
  description: string | null;
  siteName: string | null;
  image: Buffer | null;
  imageType: string | null;
  fetchedAt: Date;
  expiresAt: Date;
}

export type ReadyPreview = LinkPreviewRow & { status: 'ok'; title: string; siteName: string };

const rulesOf = (settings: Settings): PreviewRules => ({
  allowHosts: settings.linkPreviewAllowHosts,
  denyHosts: settings.linkPreviewDenyHosts,
  ports: settings.linkPreviewPorts,
});

const urlHash = (url: URL) => createHash('sha256').update(url.href).digest('hex');

/**
 * Link previews: the card of a URL, fetched through the SSRF guard, cached by URL in the database
 * (a day when it worked, ten minutes when it failed), and fetched once however many ask at once in
 * this process. The admin's switch and deny-list are applied on every read, to cached cards too.
 */
export class LinkPreviews {
  private readonly inFlight = new Map<string, Promise<LinkPreviewRow | null>>();

  constructor(
    private readonly knex: Knex,
    private readonly settings: SettingsService,
    private readonly resolve: HostResolver,
    private readonly logger: Logger,
  ) {}

  /** The card of a URL, or null: previews off, the URL refused, or nothing to show. */
  async preview(url: URL): Promise<ReadyPreview | null> {
    const settings = await this.settings.get();
    if (!settings.linkPreviews) return null;
    const rules = rulesOf(settings);
    if (!checkUrl(url, rules).ok) return null;
    const key = urlHash(url);
    const cached = (await this.knex('linkPreviews').where({ urlHash: key }).first()) as LinkPreviewRow | undefined;
    const row = cached && cached.expiresAt.getTime() > Date.now() ? cached : await this.shared(key, () => this.fetchAndStore(url, key, rules));
    return row?.status === 'ok' && row.title && row.siteName ? (row as ReadyPreview) : null;
  }

  private shared(key: string, fetch: () => Promise<LinkPreviewRow | null>): Promise<LinkPreviewRow | null> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = fetch().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async fetchAndStore(url: URL, key: string, rules: PreviewRules): Promise<LinkPreviewRow | null> {
    const base = { urlHash: key, url: url.href, title: null, description: null, siteName: null, image: null, imageType: null };
    let row: Omit<LinkPreviewRow, 'fetchedAt' | 'expiresAt'>;
    try {
      row = { ...base, status: 'ok', ...(await this.fetchCard(url, rules)) };
    } catch (error) {
      // A link refused before anything was fetched is not remembered: the admin may allow it next.
      if (error instanceof PreviewRefused && error.hop === 0) {
        this.logger.debug({ url: url.href, reason: error.message }, 'link preview refused');
        return null;
      }
      this.logger.debug({ url: url.href, reason: (error as Error).message }, 'link preview failed');
      row = { ...base, status: 'failed' };
    }
    const now = Date.now();
    const stored = { ...row, fetchedAt: new Date(now), expiresAt: new Date(now + (row.status === 'ok' ? OK_TTL_MS : FAILED_TTL_MS)) };
    await this.knex('linkPreviews').insert(stored).onConflict('urlHash').merge();
    await this.knex('linkPreviews').where('expiresAt', '<', new Date(now - PRUNE_AFTER_MS)).delete();
    return stored;
  }

  private async fetchCard(url: URL, rules: PreviewRules): Promise<Pick<LinkPreviewRow, 'title' | 'description' | 'siteName' | 'image' | 'imageType'>> {
    const page = await guardedFetch(url, {
      rules,
      resolve: this.resolve,
      accept: 'text/html',
      acceptType: (type) => type === 'text/html',
      maxBytes: PREVIEW_LIMITS.pageBytes,
      truncate: true,
      signal: AbortSignal.timeout(PREVIEW_LIMITS.pageMs),
    });
    const meta = parsePageMeta(decodePage(page.body, page.charset), page.url);
    if (!meta.title && !meta.description) throw new Error('the page has no title or description');
    const siteName = meta.siteName ?? hostOf(page.url).replace(/^www\./, '');
    const image = meta.imageUrl ? await this.fetchImage(new URL(meta.imageUrl), rules) : null;
    return { title: meta.title ?? siteName, description: meta.description, siteName, image: image?.data ?? null, imageType: image?.mime ?? null };
  }

  /** The page's image, re-encoded as a small WebP (metadata dropped); null when it cannot be had. */
  private async fetchImage(url: URL, rules: PreviewRules): Promise<{ data: Buffer; mime: string } | null> {
    try {
      const fetched = await guardedFetch(url, {
        rules,
        resolve: this.resolve,
        accept: 'image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9',
        // The header is only a hint; the bytes decide below.
        acceptType: (type) => type.startsWith('image/') || type === 'application/octet-stream',
        maxBytes: PREVIEW_LIMITS.imageBytes,
        truncate: false,
        signal: AbortSignal.timeout(PREVIEW_LIMITS.imageMs),
      });
      const sniffed = await fileTypeFromBuffer(fetched.body);
      if (!sniffed || !IMAGE_TYPES.has(sniffed.mime)) throw new Error(`${sniffed?.mime ?? 'unknown bytes'} is not an image`);
      const { width = 0, height = 0 } = await sharp(fetched.body).metadata();
      if (width * height > MAX_IMAGE_PIXELS) throw new Error(`${width}x${height} pixels is too large`);
      return await makeThumbnail(fetched.body);
    } catch (error) {
      this.logger.debug({ url: url.href, reason: (error as Error).message }, 'link preview image skipped');
      return null;
    }
  }
}
