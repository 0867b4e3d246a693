import type { Knex } from 'knex';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { generatePassword, hashPassword } from '../../app/server/auth/passwords.ts';
import { invalidInput } from '../../app/server/errors.ts';
import type { User } from '../../app/server/models/user.ts';

/** What the import does (or, in a dry run, would do) with one line of the file. */
export type ImportOutcome =
  | { line: number; outcome: 'create'; email: string; name: string; role: 'user' | 'admin'; password?: string }
  | { line: number; outcome: 'skip'; email: string; reason: string }
  | { line: number; outcome: 'refuse'; email: string; reason: string };

export const MAX_IMPORT_ROWS = 1000;

const rowSchema = z.object({
  email: z.email('not a valid email address').max(320, 'email: at most 320 characters'),
  name: z.string().trim().min(1, 'name: must not be empty').max(100, 'name: at most 100 characters'),
  role: z.enum(['user', 'admin'], 'role: must be "user" or "admin"'),
});

function parseCsv(csv: string): string[][] {
  try {
    return parse(csv, { skipEmptyLines: true, relaxColumnCount: true, trim: true, bom: true }) as string[][];
  } catch (error) {
    throw invalidInput(`csv: ${error instanceof Error ? error.message : 'not a CSV file'}`);
  }
}

/**
 * Classifies each line of an "email,name,role" file (a header line is recognised and left out):
 * refused when malformed or repeated within the file, skipped when the email already has an
 * account, created otherwise. One query for the existing accounts, whatever the file's size.
 */
export async function planImport(knex: Knex, csv: string): Promise<ImportOutcome[]> {
  const records = parseCsv(csv);
  const hasHeader = records[0]?.[0]?.toLowerCase() === 'email';
  const lines = records.slice(hasHeader ? 1 : 0);
  if (lines.length === 0) throw invalidInput('csv: no rows to import');
  if (lines.length > MAX_IMPORT_ROWS) throw invalidInput(`csv: at most ${MAX_IMPORT_ROWS} rows at a time`);
  const emails = lines.map((cells) => (cells[0] ?? '').toLowerCase());
  const existing = new Set(
    ((await knex('users').whereRaw('lower(email) = ANY(?)', [emails.filter(Boolean)]).select('email')) as { email: string }[]).map((row) => row.email.toLowerCase()),
  );
  const seen = new Map<string, number>();
  return lines.map((cells, index): ImportOutcome => {
    const line = index + 1 + (hasHeader ? 1 : 0);
    const [email = '', name = '', role = ''] = cells;
    if (cells.length > 3) return { line, outcome: 'refuse', email, reason: 'more than three columns (email, name, role)' };
    const parsed = rowSchema.safeParse({ email, name, role: role.toLowerCase() || 'user' });
    if (!parsed.success) return { line, outcome: 'refuse', email, reason: parsed.error.issues[0]!.message };
    const key = parsed.data.email.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) return { line, outcome: 'refuse', email, reason: `same email as line ${earlier}` };
    seen.set(key, line);
    if (existing.has(key)) return { line, outcome: 'skip', email, reason: 'an account with that email already exists' };
    return { line, outcome: 'create', ...parsed.data };
  });
}

/**
 * Creates every "create" line in one transaction with a one-time password each (returned once),
 * auditing each account. A concurrent sign-up of the same email fails the whole import, so
 * nothing is half-imported.
 */
export async function runImport(knex: Knex, actor: User, plan: ImportOutcome[], ip?: string): Promise<ImportOutcome[]> {
  const creates = plan.filter((row): row is Extract<ImportOutcome, { outcome: 'create' }> => row.outcome === 'create');
  const passwords = creates.map(() => generatePassword());
  const hashes = await Promise.all(passwords.map(hashPassword));
  const created = await knex.transaction(async (trx) => {
    if (creates.length === 0) return [];
    const rows = (await trx('users')
      .insert(creates.map((row, i) => ({ email: row.email.trim(), name: row.name, role: row.role, status: 'active', passwordHash: hashes[i], mustChangePassword: true })))
      .returning(['id', 'email', 'role'])) as { id: string; email: string; role: string }[];
    await trx('auditLog').insert(
      rows.map((row) => ({
        actorId: actor.id,
        action: 'user.create',
        targetType: 'user',
        targetId: row.id,
        details: JSON.stringify({ email: row.email, role: row.role, via: 'import' }),
        ip: ip ?? null,
      })),
    );
    return rows;
  });
  if (created.length !== creates.length) throw new Error('import created a different number of accounts than planned');
  let next = 0;
  return plan.map((row) => (row.outcome === 'create' ? { ...row, password: passwords[next++] } : row));
}
