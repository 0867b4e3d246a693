import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

/** The secret part of an invite link; only its hash is stored. */
export const newInviteToken = () => randomBytes(24).toString('base64url');
export const inviteTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface InviteRow {
  id: string;
  createdBy: string | null;
  expiresAt: Date;
  maxUses: number;
  uses: number;
  revokedAt: Date | null;
  createdAt: Date;
}

export function presentInvite(row: InviteRow) {
  return {
    id: row.id,
    createdBy: row.createdBy,
    expiresAt: row.expiresAt.toISOString(),
    maxUses: row.maxUses,
    uses: row.uses,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Spends one use of an invite inside the caller's transaction: one conditional update, so two
 * sign-ups racing for the last use cannot both win. Null when the link is unknown, revoked,
 * expired or used up.
 */
export async function spendInvite(trx: Knex.Transaction, token: string): Promise<string | null> {
  const [row] = (await trx('invites')
    .where({ tokenHash: inviteTokenHash(token) })
    .whereNull('revokedAt')
    .where('expiresAt', '>', new Date())
    .whereRaw('uses < max_uses')
    .increment('uses', 1)
    .returning('id')) as { id: string }[];
  return row?.id ?? null;
}
