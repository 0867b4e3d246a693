import { Model } from 'objection';
import type { AttachmentKind } from '../storage/media-types.ts';

export class Attachment extends Model {
  static override tableName = 'attachments';

  id!: string;
  uploaderId!: string | null;
  /** Null until the file is sent in a message; unsent uploads are swept after a while. */
  messageId!: string | null;
  kind!: AttachmentKind;
  name!: string;
  mime!: string;
  size!: number;
  width!: number | null;
  height!: number | null;
  durationMs!: number | null;
  storageKey!: string;
  thumbnailKey!: string | null;
  sha256!: string | null;
  voice!: boolean;
  createdAt!: Date;
}

/** The columns a presenter, a download or the writer needs, as plain query results give them. */
export type AttachmentRow = Pick<
  Attachment,
  'id' | 'uploaderId' | 'messageId' | 'kind' | 'name' | 'mime' | 'size' | 'width' | 'height' | 'durationMs' | 'storageKey' | 'thumbnailKey' | 'sha256' | 'voice' | 'createdAt'
>;

export const ATTACHMENT_COLUMNS = [
  'id', 'uploaderId', 'messageId', 'kind', 'name', 'mime', 'size', 'width', 'height', 'durationMs',
  'storageKey', 'thumbnailKey', 'sha256', 'voice', 'createdAt',
] as const;
