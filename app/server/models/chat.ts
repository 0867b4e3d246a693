import { Model } from 'objection';

export type ChatKind = 'direct' | 'group';

export class Chat extends Model {
  static override tableName = 'chats';

  id!: string;
  kind!: ChatKind;
  name!: string | null;
  directKey!: string | null;
  createdBy!: string | null;
  lastSeq!: number;
  lastMessageId!: string | null;
  lastMessageAt!: Date | null;
  archivedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}
