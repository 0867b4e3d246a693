import type { ReplicaCluster } from './replica-cluster.ts';
import { ResilientClient } from '../support/resilient-client.ts';

export interface Member {
  id: string;
  token: string;
  name: string;
}

export interface Fixture {
  users: Member[];
  chats: { id: string; memberIds: string[] }[];
  clients: ResilientClient[];
}

/**
 * People and groups for a stream: `chatCount` groups of `membersPerChat`, each person in about
 * the same number of groups, each person with one client on replica (index mod replicas).
 */
export async function makeFixture(cluster: ReplicaCluster, prefix: string, people: number, chatCount: number, membersPerChat: number): Promise<Fixture> {
  const users = await cluster.createUsers(people, prefix);
  const chats: Fixture['chats'] = [];
  for (let c = 0; c < chatCount; c++) {
    const members = Array.from({ length: membersPerChat }, (_, k) => users[(c * 2 + k) % people]!);
    const [owner, ...rest] = members;
    const created = await cluster.api(owner!.token, c % cluster.replicas.length).post('/api/chats/groups', { name: `${prefix} group ${c}`, memberIds: rest.map((m) => m.id) });
    if (created.status !== 201) throw new Error(`group creation failed: ${created.status} ${JSON.stringify(created.body)}`);
    chats.push({ id: (created.body as { chat: { id: string } }).chat.id, memberIds: members.map((m) => m.id) });
  }
  const clients = users.map((user, i) => new ResilientClient(cluster.urls, user.token, chats.filter((c) => c.memberIds.includes(user.id)).map((c) => c.id), i));
  await Promise.all(clients.map((client) => client.connect()));
  return { users, chats, clients };
}

export interface StreamResult {
  /** Message id -> body, for every acked send. */
  acked: Map<string, string>;
}

/**
 * Every person sends `perSender` messages round-robin over their chats, `inFlight` at a time,
 * each retried with its clientId until acked. `onProgress` sees the running ack count.
 */
export async function streamMessages(fixture: Fixture, perSender: number, inFlight: number, onProgress: (acked: number) => void = () => undefined): Promise<StreamResult> {
  const acked = new Map<string, string>();
  let failed = false;
  await Promise.all(
    fixture.users.map(async (user, u) => {
      const client = fixture.clients[u]!;
      const mine = fixture.chats.filter((c) => c.memberIds.includes(user.id));
      let next = 0;
      if (mine.length === 0) throw new Error(`${user.name} is in no chat of the fixture`);
      const lane = async () => {
        while (next < perSender && !failed) {
          const n = next++;
          const body = `m ${user.name} ${n}`;
          const id = await client.send(mine[n % mine.length]!.id, body).catch((error: unknown) => {
            failed = true;
            throw error;
          });
          acked.set(id, body);
          onProgress(acked.size);
        }
      };
      await Promise.all(Array.from({ length: inFlight }, lane));
    }),
  );
  return { acked };
}

/** Polls until `check` holds, or fails naming what it waited for. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return Date.now() - started;
}

export interface Audit {
  acked: number;
  persisted: number;
  lost: number;
  duplicated: number;
  gaps: number;
  clientsMissing: number;
  clientsExtra: number;
}

/**
 * What the database and every client hold against what was acked: lost (acked, not stored),
 * duplicated (one send stored twice), seq gaps per chat, and messages a client lacks or holds
 * that the database does not.
 */
export async function audit(cluster: ReplicaCluster, fixture: Fixture, result: StreamResult): Promise<Audit> {
  const chatIds = fixture.chats.map((c) => c.id);
  const all = await cluster.query<{ id: string; chatId: string; seq: string; body: string; kind: string }>(
    `SELECT id, chat_id AS "chatId", seq, body, kind FROM messages WHERE chat_id = ANY($1::uuid[]) ORDER BY chat_id, seq`,
    [chatIds],
  );
  const stored = new Map(all.map((r) => [r.id, r]));
  const rows = all.filter((r) => r.kind !== 'system');
  const bodies = new Map<string, number>();
  for (const row of rows) bodies.set(row.body, (bodies.get(row.body) ?? 0) + 1);
  const lost = [...result.acked.keys()].filter((id) => !stored.has(id)).length;
  const duplicated = [...bodies.values()].filter((n) => n > 1).length;
  const seqRows = await cluster.query<{ chatId: string; seqs: string[] }>(
    `SELECT chat_id AS "chatId", array_agg(seq ORDER BY seq) AS seqs FROM messages WHERE chat_id = ANY($1::uuid[]) GROUP BY chat_id`,
    [chatIds],
  );
  let gaps = 0;
  for (const row of seqRows) row.seqs.forEach((seq, i) => Number(seq) !== i + 1 && gaps++);
  let clientsMissing = 0;
  let clientsExtra = 0;
  for (const client of fixture.clients) {
    for (const [chatId, held] of client.messages) {
      clientsMissing += rows.filter((r) => r.chatId === chatId && !held.has(r.id)).length;
      clientsExtra += [...held.values()].filter((m) => !stored.has(m.id)).length;
    }
  }
  return { acked: result.acked.size, persisted: rows.length, lost, duplicated, gaps, clientsMissing, clientsExtra };
}
