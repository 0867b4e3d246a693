import type { AttachmentRow } from '../models/attachment.ts';
import type { PresentedAttachment } from './message.ts';

/** An attachment as clients see it: its metadata and the two URLs that serve it (cookie or bearer). */
export function presentAttachment(row: AttachmentRow): PresentedAttachment {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    mime: row.mime,
    size: row.size,
    ...(row.width !== null && row.height !== null ? { width: row.width, height: row.height } : {}),
    ...(row.durationMs !== null ? { durationMs: row.durationMs } : {}),
    ...(row.voice ? { voice: true } : {}),
    url: `/api/attachments/${row.id}`,
    thumbnailUrl: row.thumbnailKey ? `/api/attachments/${row.id}/thumbnail` : null,
  };
}

/** How a message without text is summed up (notifications, chat list): "Photo", "Video", ... */
export function mediaPreview(attachments: Pick<PresentedAttachment, 'kind' | 'name' | 'voice'>[]): string {
  const [first] = attachments;
  if (!first) return '';
  const label = first.voice ? 'Voice message' : first.kind === 'image' ? 'Photo' : first.kind === 'video' ? 'Video' : first.name;
  return attachments.length > 1 ? `${label} (+${attachments.length - 1})` : label;
}
