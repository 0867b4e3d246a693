import { Model } from 'objection';

export type MessageKind = 'text' | 'media' | 'system';

export class Message extends Model {
  static override tableName = 'messages';

  id!: string;
  chatId!: string;
  seq!: number;
  senderId!: string | null;
  clientId!: string;
  kind!: MessageKind;
  body!: string;
  createdAt!: Date;
  editedAt!: Date | null;
  deletedAt!: Date | null;
}
