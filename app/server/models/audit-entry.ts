import { Model } from 'objection';

export class AuditEntry extends Model {
  static override tableName = 'audit_log';

  id!: number;
  actorId!: string | null;
  action!: string;
  targetType!: string | null;
  targetId!: string | null;
  details!: Record<string, unknown>;
  ip!: string | null;
  createdAt!: Date;
}
