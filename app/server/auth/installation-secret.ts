import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

const KEY = 'session_secret';

/**
 * The key that signs session tokens: CHATFLOW_SECRET when given, otherwise one generated on first
 * start and kept in the database, so every replica signs with the same key.
 */
export async function resolveInstallationSecret(knex: Knex, configured?: string): Promise<string> {
  if (configured) return configured;
  await knex('settings')
    .insert({ key: KEY, value: JSON.stringify(randomBytes(48).toString('base64url')) })
    .onConflict('key')
    .ignore();
  const row = (await knex('settings').where({ key: KEY }).first()) as { value: string };
  return row.value;
}
