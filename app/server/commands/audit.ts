import type { Knex } from 'knex';

export interface AuditInput {
  actorId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  ip?: string;
}

/** Records who did what; every admin write calls this inside its own transaction. */
export async function audit(knex: Knex, entry: AuditInput): Promise<void> {
  await knex('auditLog').insert({
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    details: JSON.stringify(entry.details ?? {}),
    ip: entry.ip ?? null,
  });
}
