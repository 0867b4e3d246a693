import type { ReadyPreview } from '../previews/link-previews.ts';

export interface PresentedLinkPreview {
  url: string;
  title: string;
  description: string | null;
  siteName: string;
  /** The image through this server (never the page's own address), or null. */
  imageUrl: string | null;
}

/** A message's link card: the link as the message has it, and the page's image proxied by the server. */
export function presentLinkPreview(messageId: string, link: URL, preview: ReadyPreview): PresentedLinkPreview {
  return {
    url: link.href,
    title: preview.title,
    description: preview.description,
    siteName: preview.siteName,
    imageUrl: preview.image ? `/api/messages/${messageId}/preview/image` : null,
  };
}
