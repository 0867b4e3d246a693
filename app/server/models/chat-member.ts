import { Model } from 'objection';

export type MemberRole = 'owner' | 'member';

export class ChatMember extends Model {
  static override tableName = 'chat_members';
  static override idColumn = ['chat_id', 'user_id'];

  chatId!: string;
  userId!: string;
  role!: MemberRole;
  deliveredSeq!: number;
  readSeq!: number;
  muted!: boolean;
  archived!: boolean;
  joinedAt!: Date;
}
