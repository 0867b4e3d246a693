import { randomBytes, scryptSync } from 'node:crypto';
import pg from 'pg';

export const PASSWORD = 'bench-password';

/**
 * A scrypt hash in the server's self-describing format with tiny parameters: the server verifies
 * it like every stored hash, so signing in a thousand people costs milliseconds, not minutes.
 */
export function cheapPasswordHash(password = PASSWORD): string {
  const salt = randomBytes(16);
  const [N, r, p] = [16, 1, 1];
  const key = scryptSync(password.normalize('NFKC'), salt, 64, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function withClient<T>(url: string, task: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}

export interface Seeded {
  userIds: string[];
  emails: string[];
  /** chatIds[g] is group g; members[g] the indexes of its people. */
  chatIds: string[];
  members: number[][];
}

/**
 * People and groups as rows, straight into the migrated schema: `people` users, groups of
 * `groupSize` consecutive people (person p is in group floor(p / groupSize)), the first one the owner.
 */
export async function seedPeople(url: string, people: number, groupSize: number, prefix = 'p'): Promise<Seeded> {
  return withClient(url, async (client) => {
    const hash = cheapPasswordHash();
    const emails = Array.from({ length: people }, (_, i) => `${prefix}${i}@bench.example.test`);
    const users = await client.query<{ id: string; email: string }>(
      `INSERT INTO users (email, name, password_hash) SELECT e, 'Person ' || n, $2 FROM unnest($1::text[]) WITH ORDINALITY AS v(e, n) RETURNING id, email`,
      [emails, hash],
    );
    const idByEmail = new Map(users.rows.map((r) => [r.email, r.id]));
    const userIds = emails.map((e) => idByEmail.get(e)!);
    const groups = Math.ceil(people / groupSize);
    const members = Array.from({ length: groups }, (_, g) => Array.from({ length: Math.min(groupSize, people - g * groupSize) }, (_, k) => g * groupSize + k));
    const names = members.map((_, g) => `Group ${prefix}${g}`);
    const owners = members.map((m) => userIds[m[0]!]!);
    const chats = await client.query<{ id: string; name: string }>(
      `INSERT INTO chats (kind, name, created_by) SELECT 'group', n, o FROM unnest($1::text[], $2::uuid[]) AS v(n, o) RETURNING id, name`,
      [names, owners],
    );
    const idByName = new Map(chats.rows.map((r) => [r.name, r.id]));
    const chatIds = names.map((n) => idByName.get(n)!);
    const rows = members.flatMap((m, g) => m.map((person, k) => ({ chat: chatIds[g]!, user: userIds[person]!, role: k === 0 ? 'owner' : 'member' })));
    await client.query(
      `INSERT INTO chat_members (chat_id, user_id, role) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])`,
      [rows.map((r) => r.chat), rows.map((r) => r.user), rows.map((r) => r.role)],
    );
    return { userIds, emails, chatIds, members };
  });
}

/** Signs each person in through POST /api/auth/login (a few at a time) and returns their tokens. */
export async function login(url: string, emails: string[], password = PASSWORD): Promise<string[]> {
  const tokens: string[] = new Array(emails.length);
  const AT_ONCE = 8;
  for (let i = 0; i < emails.length; i += AT_ONCE) {
    await Promise.all(
      emails.slice(i, i + AT_ONCE).map(async (email, k) => {
        const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
        if (response.status !== 200) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
        tokens[i + k] = ((await response.json()) as { token: string }).token;
      }),
    );
  }
  return tokens;
}

/** Words the generated bodies are made of; `needle` is rare (one message in 50). */
export const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar',
  'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform', 'victor', 'whiskey', 'xray', 'yankee', 'zulu', 'amber', 'basalt', 'cobalt', 'dune'];

/**
 * `rows` messages spread round-robin over `chatIds` (seq 1.. per chat), with their
 * message.created log entries and each chat's last_seq, in a few INSERT ... SELECT statements.
 * Ids are derived from the row number so messages and entries agree.
 */
export async function seedMessages(url: string, chatIds: string[], senderIds: string[], rows: number): Promise<void> {
  await withClient(url, async (client) => {
    const words = `ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}]`;
    const pick = (k: number) => `(${words})[1 + ((i * ${7919 + k * 104_729}::bigint + ${k * 31}) % ${WORDS.length})]`;
    const body = `${[0, 1, 2, 3, 4, 5].map(pick).join(` || ' ' || `)} || CASE WHEN i % 50 = 7 THEN ' needle' ELSE '' END`;
    const chats = chatIds.length;
    const CHUNK = 200_000;
    for (let from = 0; from < rows; from += CHUNK) {
      const to = Math.min(rows, from + CHUNK) - 1;
      await client.query(
        `INSERT INTO messages (id, chat_id, seq, sender_id, client_id, kind, body, created_at, update_seq)
         SELECT md5('bench-message-' || i)::uuid, c.ids[1 + i % $1], 1 + i / $1, s.ids[1 + i % cardinality(s.ids)], 'bench-' || i, 'text', ${body},
                now() - make_interval(secs => ($4 - i)::double precision), 1 + i / $1
           FROM generate_series($2::bigint, $3::bigint) AS i, (SELECT $5::uuid[] AS ids) c, (SELECT $6::uuid[] AS ids) s`,
        [chats, from, to, rows, chatIds, senderIds],
      );
    }
    await client.query(
      `INSERT INTO entries (id, chat_id, seq, type, actor_id, message_id, data, created_at)
       SELECT id, chat_id, seq, 'message.created', sender_id, id, '{}'::jsonb, created_at FROM messages WHERE client_id LIKE 'bench-%'`,
    );
    await client.query(
      `UPDATE chats c SET last_seq = m.seq, last_message_id = m.id, last_message_at = m.created_at
         FROM (SELECT DISTINCT ON (chat_id) chat_id, seq, id, created_at FROM messages ORDER BY chat_id, seq DESC) m WHERE m.chat_id = c.id`,
    );
    await client.query('ANALYZE');
  });
}

/** `people` users who are all members of all `chats` groups (history and search read from them). */
export async function seedSharedChats(url: string, people: number, chats: number): Promise<Seeded> {
  return withClient(url, async (client) => {
    const emails = Array.from({ length: people }, (_, i) => `reader${i}@bench.example.test`);
    const users = await client.query<{ id: string; email: string }>(
      `INSERT INTO users (email, name, password_hash) SELECT e, 'Reader ' || n, $2 FROM unnest($1::text[]) WITH ORDINALITY AS v(e, n) RETURNING id, email`,
      [emails, cheapPasswordHash()],
    );
    const idByEmail = new Map(users.rows.map((r) => [r.email, r.id]));
    const userIds = emails.map((e) => idByEmail.get(e)!);
    const created = await client.query<{ id: string; n: string }>(
      `INSERT INTO chats (kind, name, created_by) SELECT 'group', 'History ' || n, $1 FROM generate_series(1, $2) AS n RETURNING id, name AS n`,
      [userIds[0], chats],
    );
    const chatIds = created.rows.sort((a, b) => Number(a.n.split(' ')[1]) - Number(b.n.split(' ')[1])).map((r) => r.id);
    await client.query(
      `INSERT INTO chat_members (chat_id, user_id, role) SELECT c, u, CASE WHEN u = $3::uuid THEN 'owner' ELSE 'member' END FROM unnest($1::uuid[]) c, unnest($2::uuid[]) u`,
      [chatIds, userIds, userIds[0]],
    );
    return { userIds, emails, chatIds, members: chatIds.map(() => userIds.map((_, i) => i)) };
  });
}
