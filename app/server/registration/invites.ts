import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { audit } from '../commands/audit.ts';

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

/** What an invite is made with, by an admin or (when allowed) any member. */
export const inviteInputSchema = z
  .object({
    expiresInDays: z.number().int().min(1, 'expiresInDays: at least 1').max(90, 'expiresInDays: at most 90'),
    maxUses: z.number().int().min(1, 'maxUses: at least 1').max(1000, 'maxUses: at most 1000'),
  })
  .strict();

export type InviteInput = z.infer<typeof inviteInputSchema>;

export const INVITE_COLUMNS = ['id', 'createdBy', 'expiresAt', 'maxUses', 'uses', 'revokedAt', 'createdAt'];

/** Creates an invite and its audit entry in one transaction; the token is returned this once only. */
export async function createInvite(knex: Knex, actorId: string, input: InviteInput, audited: { ip?: string; by: 'admin' | 'member' }) {
  const token = newInviteToken();
  const row = await knex.transaction(async (trx) => {
    const [created] = (await trx('invites')
      .insert({ tokenHash: inviteTokenHash(token), createdBy: actorId, expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000), maxUses: input.maxUses })
      .returning(INVITE_COLUMNS)) as InviteRow[];
    await audit(trx, { actorId, action: 'invite.create', targetType: 'invite', targetId: created!.id, details: { ...input, by: audited.by }, ip: audited.ip });
    return created!;
  });
  return { row, token };
}

/** The sign-up link of an invite token, on the origin the request came to. */
export const inviteUrl = (origin: string, token: string) => `${origin}/?invite=${token}`;
