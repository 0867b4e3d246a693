import { Model } from 'objection';

export class Session extends Model {
  static override tableName = 'sessions';

  id!: string;
  userId!: string;
  createdAt!: Date;
  expiresAt!: Date;
  revokedAt!: Date | null;
  userAgent!: string | null;
  ip!: string | null;
}
