import type { Knex } from 'knex';
import type { MemberRole } from '../../models/chat-member.ts';
import type { ActorFacts } from '../../policies/message-policy.ts';
import type { MessageRecord, ReactionGroup } from '../../presenters/message.ts';
import { withDetails } from '../../queries/message-details.ts';
import { MESSAGE_COLUMNS } from '../../queries/message-history.ts';
import type { LogRecord, MessageCreatedRecord } from '../log-record.ts';

export interface ChatState {
  id: string;
  kind: 'direct' | 'group';
  name: string | null;
  lastSeq: number;
  archivedAt: Date | null;
  muted: string[];
}

/** A message as the writer holds it: always with its reactions. */
export type HeldMessage = MessageRecord & { reactions: ReactionGroup[] };

/** One entry the batch wrote, with the message as it stood right after it (what is broadcast). */
export interface WrittenEntry {
  record: LogRecord;
  seq: number;
  snapshot: HeldMessage;
}

/** What the batch's facts query returns: compact tuples, one JSON array per concern. */
interface BatchFacts {
  stored: [string, number][];
  roles: [string, string, MemberRole][];
  muted: [string, string][];
  users: [string, string, string][];
}

type ReactionOp = { messageId: string; userId: string; emoji: string; add: boolean; seq: number };

/**
 * Everything one writer batch reads and changes: loaded with a fixed number of queries, changed
 * in memory by the apply functions entry by entry, written back with a fixed number of statements.
 */
export class WriterBatch {
  chats = new Map<string, ChatState>();
  /** Seqs of entries already stored, by entry id: a replay is a duplicate. */
  stored = new Map<string, number>();
  private roles = new Map<string, MemberRole>();
  private users = new Map<string, { name: string; isAdmin: boolean }>();
  /** Messages the entries act on (targets, replied-to) and the ones they create. */
  messages = new Map<string, HeldMessage>();
  private created = new Set<string>();
  private changed = new Set<string>();
  private deleted = new Set<string>();
  private reactionOps = new Map<string, ReactionOp>();
  written: WrittenEntry[] = [];
  /** Members among the people who reacted to changed messages: each gets its own `me`. */
  reactorMembers = new Set<string>();

  constructor(readonly now: Date) {}

  static async load(trx: Knex.Transaction, records: LogRecord[], now: Date): Promise<WriterBatch> {
    const batch = new WriterBatch(now);
    const chatIds = [...new Set(records.map((r) => r.chatId))].sort();
    // Row locks in a fixed order: writers on other replicas wait instead of deadlocking.
    // One connection runs one query at a time: sequential awaits, not Promise.all.
    const chatRows = await trx('chats').whereIn('id', chatIds).orderBy('id').forUpdate().select<Omit<ChatState, 'muted'>[]>('id', 'kind', 'name', 'lastSeq', 'archivedAt');
    for (const chat of chatRows) batch.chats.set(chat.id, { ...chat, muted: [] });
    // Everything else the entries are checked against, in one round trip once the chats are locked
    // (so a replay on another replica is seen): stored entries, roles, actors, who muted the chats.
    const actorIds = [...new Set(records.map((r) => r.actorId))];
    const mentioned = records.flatMap((r) => ('mentions' in r ? r.mentions : []));
    const facts = await trx.raw<{ rows: [BatchFacts] }>(
      `SELECT
         (SELECT coalesce(json_agg(json_build_array(e.id, e.seq)), '[]') FROM entries e WHERE e.id = ANY(?::uuid[])) AS stored,
         (SELECT coalesce(json_agg(json_build_array(cm.chat_id, cm.user_id, cm.role)), '[]') FROM chat_members cm
           WHERE cm.chat_id = ANY(?::uuid[]) AND cm.user_id = ANY(?::uuid[])) AS roles,
         (SELECT coalesce(json_agg(json_build_array(cm.chat_id, cm.user_id)), '[]') FROM chat_members cm
           WHERE cm.chat_id = ANY(?::uuid[]) AND cm.muted) AS muted,
         (SELECT coalesce(json_agg(json_build_array(u.id, u.name, u.role)), '[]') FROM users u WHERE u.id = ANY(?::uuid[])) AS users`,
      [records.map((r) => r.id), chatIds, [...new Set([...actorIds, ...mentioned])], chatIds, actorIds],
    );
    const { stored, roles, muted, users } = facts.rows[0];
    for (const [id, seq] of stored) batch.stored.set(id, seq);
    for (const [chatId, userId, role] of roles) batch.roles.set(`${chatId}:${userId}`, role);
    for (const [chatId, userId] of muted) batch.chats.get(chatId)?.muted.push(userId);
    for (const [id, name, role] of users) batch.users.set(id, { name, isAdmin: role === 'admin' });
    const targetIds = [...new Set(records.flatMap((r) => ('messageId' in r ? [r.messageId] : r.type === 'message.created' && r.replyToId ? [r.replyToId] : [])))];
    if (targetIds.length > 0) {
      const rows = await trx('messages as m').leftJoin('users as u', 'u.id', 'm.senderId').whereIn('m.id', targetIds).select<MessageRecord[]>(MESSAGE_COLUMNS);
      for (const row of await withDetails(trx, rows)) batch.messages.set(row.id, { ...row, reactions: row.reactions ?? [] });
    }
    return batch;
  }

  actor(chatId: string, userId: string): ActorFacts {
    const role = this.roles.get(`${chatId}:${userId}`);
    return { userId, isAdmin: this.users.get(userId)?.isAdmin ?? false, membership: role ? { role } : null };
  }

  actorName(userId: string): string | null {
    return this.users.get(userId)?.name ?? null;
  }

  isMember(chatId: string, userId: string): boolean {
    return this.roles.has(`${chatId}:${userId}`);
  }

  create(message: HeldMessage): void {
    this.messages.set(message.id, message);
    this.created.add(message.id);
  }

  /** Marks a stored message as changed by the entry with this seq. */
  touch(message: HeldMessage, seq: number): void {
    message.updateSeq = seq;
    if (!this.created.has(message.id)) this.changed.add(message.id);
  }

  markDeleted(message: HeldMessage): void {
    this.deleted.add(message.id);
    for (const key of this.reactionOps.keys()) if (key.startsWith(`${message.id}|`)) this.reactionOps.delete(key);
  }

  react(messageId: string, userId: string, emoji: string, add: boolean, seq: number): void {
    this.reactionOps.set(`${messageId}|${userId}|${emoji}`, { messageId, userId, emoji, add, seq });
  }

  record(entry: WrittenEntry): void {
    this.written.push(entry);
  }

  createdRecords(): MessageCreatedRecord[] {
    return this.written.flatMap((w) => (w.record.type === 'message.created' ? [w.record] : []));
  }

  /** New messages that are still there at the end of the batch: only they get their files. */
  keptRecords(): MessageCreatedRecord[] {
    return this.createdRecords().filter((r) => !this.deleted.has(r.id));
  }

  /** Writes the batch back: a fixed number of statements, never one per entry. */
  async flush(trx: Knex.Transaction): Promise<{ removedMediaKeys: string[] }> {
    const now = this.now;
    await this.writeLog(trx);
    const changed = [...this.changed].map((id) => this.messages.get(id)!);
    if (changed.length > 0) {
      await trx.raw(
        `UPDATE messages m SET body = v.body, edited_at = v.edited_at, deleted_at = v.deleted_at, update_seq = v.update_seq,
                mentions = string_to_array(v.mentions, ',')::uuid[], mention_all = v.mention_all
           FROM unnest(?::uuid[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::bigint[], ?::text[], ?::text[])
             AS v(id, body, edited_at, deleted_at, update_seq, mentions, mention_all)
          WHERE m.id = v.id`,
        [changed.map((m) => m.id), changed.map((m) => m.body), changed.map((m) => m.editedAt), changed.map((m) => m.deletedAt),
          changed.map((m) => m.updateSeq), changed.map((m) => (m.mentions ?? []).join(',')), changed.map((m) => m.mentionAll ?? null)] as Knex.RawBinding[],
      );
    }

    const ops = [...this.reactionOps.values()];
    const adds = ops.filter((op) => op.add);
    const removes = ops.filter((op) => !op.add);
    if (adds.length > 0) {
      await trx.raw(
        `INSERT INTO reactions (message_id, user_id, emoji, seq, created_at)
         SELECT v.message_id, v.user_id, v.emoji, v.seq, ?::timestamptz FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::bigint[]) AS v(message_id, user_id, emoji, seq)
         ON CONFLICT (message_id, user_id, emoji) DO UPDATE SET seq = EXCLUDED.seq`,
        [now, adds.map((op) => op.messageId), adds.map((op) => op.userId), adds.map((op) => op.emoji), adds.map((op) => op.seq)],
      );
    }
    if (removes.length > 0) {
      await trx.raw(
        `DELETE FROM reactions r USING unnest(?::uuid[], ?::uuid[], ?::text[]) AS v(message_id, user_id, emoji)
          WHERE r.message_id = v.message_id AND r.user_id = v.user_id AND r.emoji = v.emoji`,
        [removes.map((op) => op.messageId), removes.map((op) => op.userId), removes.map((op) => op.emoji)],
      );
    }
    const removedMediaKeys = await this.removeDeletedContent(trx);
    await this.loadReactorMembers(trx);
    return { removedMediaKeys };
  }

  /** A deleted message loses its reactions and its files' rows here; the files themselves go after commit. */
  private async removeDeletedContent(trx: Knex.Transaction): Promise<string[]> {
    const deleted = [...this.deleted];
    if (deleted.length === 0) return [];
    await trx('reactions').whereIn('messageId', deleted).delete();
    const rows = (await trx('attachments').whereIn('messageId', deleted).delete().returning(['storageKey', 'thumbnailKey'])) as { storageKey: string; thumbnailKey: string | null }[];
    return rows.flatMap((row) => [row.storageKey, ...(row.thumbnailKey ? [row.thumbnailKey] : [])]);
  }

  /**
   * The entries, the new messages, each chat's last seq and message, and the actors' watermarks:
   * one statement whatever the batch's size (arrays, not rows of parameters).
   */
  private async writeLog(trx: Knex.Transaction): Promise<void> {
    const lastSeq = new Map<string, number>();
    const lastMessage = new Map<string, HeldMessage>();
    const own = new Map<string, { chatId: string; userId: string; seq: number }>();
    for (const { record, seq, snapshot } of this.written) {
      lastSeq.set(record.chatId, seq);
      if (this.created.has(snapshot.id) && snapshot.seq === seq) lastMessage.set(record.chatId, snapshot);
      own.set(`${record.chatId}:${record.actorId}`, { chatId: record.chatId, userId: record.actorId, seq });
    }
    if (lastSeq.size === 0) return;
    const entries = this.written;
    const created = [...this.created].map((id) => this.messages.get(id)!);
    const chatIds = [...lastSeq.keys()];
    // Acting in a chat (sending, editing, reacting) means one has seen it up to that entry.
    const marks = [...own.values()];
    await trx.raw(
      `WITH entries_written AS (
         INSERT INTO entries (id, chat_id, seq, type, actor_id, message_id, data, created_at)
         SELECT v.id, v.chat_id, v.seq, v.type, v.actor_id, v.message_id, v.data::jsonb, ?::timestamptz
           FROM unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::text[], ?::uuid[], ?::uuid[], ?::text[])
             AS v(id, chat_id, seq, type, actor_id, message_id, data)
       ), messages_created AS (
         INSERT INTO messages (id, chat_id, seq, sender_id, client_id, kind, body, created_at, edited_at, deleted_at, update_seq,
                               reply_to_id, mentions, mention_all, event)
         SELECT v.id, v.chat_id, v.seq, v.sender_id, v.client_id, v.kind, v.body, ?::timestamptz, v.edited_at, v.deleted_at, v.update_seq,
                v.reply_to_id, string_to_array(v.mentions, ',')::uuid[], v.mention_all, v.event::jsonb
           FROM unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[],
                       ?::bigint[], ?::uuid[], ?::text[], ?::text[], ?::text[])
             AS v(id, chat_id, seq, sender_id, client_id, kind, body, edited_at, deleted_at, update_seq, reply_to_id, mentions, mention_all, event)
       ), chats_advanced AS (
         UPDATE chats c SET last_seq = v.seq, last_message_id = COALESCE(v.id, c.last_message_id),
                last_message_at = COALESCE(v.at, c.last_message_at), updated_at = ?::timestamptz
           FROM unnest(?::uuid[], ?::bigint[], ?::uuid[], ?::timestamptz[]) AS v(chat_id, seq, id, at)
          WHERE c.id = v.chat_id
       )
       UPDATE chat_members cm SET read_seq = GREATEST(cm.read_seq, v.seq), delivered_seq = GREATEST(cm.delivered_seq, v.seq)
         FROM unnest(?::uuid[], ?::uuid[], ?::bigint[]) AS v(chat_id, user_id, seq)
        WHERE cm.chat_id = v.chat_id AND cm.user_id = v.user_id`,
      [
        this.now,
        entries.map((e) => e.record.id), entries.map((e) => e.record.chatId), entries.map((e) => e.seq), entries.map((e) => e.record.type),
        entries.map((e) => e.record.actorId), entries.map((e) => ('messageId' in e.record ? e.record.messageId : e.record.id)),
        entries.map((e) => JSON.stringify(entryData(e.record))),
        this.now,
        created.map((m) => m.id), created.map((m) => m.chatId), created.map((m) => m.seq), created.map((m) => m.senderId), created.map((m) => m.clientId),
        created.map((m) => m.kind), created.map((m) => m.body), created.map((m) => m.editedAt), created.map((m) => m.deletedAt),
        created.map((m) => m.updateSeq), created.map((m) => m.replyToId ?? null), created.map((m) => (m.mentions ?? []).join(',')),
        created.map((m) => m.mentionAll ?? null), created.map((m) => (m.event ? JSON.stringify(m.event) : null)),
        this.now,
        chatIds, chatIds.map((id) => lastSeq.get(id)!), chatIds.map((id) => lastMessage.get(id)?.id ?? null),
        chatIds.map((id) => (lastMessage.has(id) ? this.now : null)),
        marks.map((m) => m.chatId), marks.map((m) => m.userId), marks.map((m) => m.seq),
      ] as Knex.RawBinding[],
    );
  }

  /** Members among the people who reacted to changed messages: each is sent its own `me`. */
  private async loadReactorMembers(trx: Knex.Transaction): Promise<void> {
    const reactorPairs = new Set<string>();
    for (const { record, snapshot } of this.written) {
      if (record.type === 'message.created' || snapshot.kind === 'system') continue;
      for (const group of snapshot.reactions) for (const userId of group.userIds) reactorPairs.add(`${snapshot.chatId}:${userId}`);
    }
    if (reactorPairs.size > 0) {
      const pairs = [...reactorPairs].map((pair) => pair.split(':') as [string, string]);
      const rows = await trx.raw<{ rows: { chatId: string; userId: string }[] }>(
        `SELECT cm.chat_id AS "chatId", cm.user_id AS "userId" FROM chat_members cm
           JOIN unnest(?::uuid[], ?::uuid[]) AS v(chat_id, user_id) ON cm.chat_id = v.chat_id AND cm.user_id = v.user_id`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
      for (const row of rows.rows) this.reactorMembers.add(`${row.chatId}:${row.userId}`);
    }
  }
}

/**
 * What an entry row keeps beside its columns. Never a body: a deleted message's text must not
 * survive anywhere in the database, so edits leave their text only on the message row.
 */
function entryData(record: LogRecord): Record<string, unknown> {
  switch (record.type) {
    case 'message.created':
      return { clientId: record.clientId, replyToId: record.replyToId };
    case 'reaction.added':
    case 'reaction.removed':
      return { emoji: record.emoji };
    case 'member.added':
    case 'member.removed':
      return { userIds: record.userIds };
    case 'chat.renamed':
      return { name: record.name };
    case 'chat.archived':
      return { archived: record.archived };
    default:
      return {};
  }
}

export function snapshotOf(message: HeldMessage): HeldMessage {
  return { ...message, mentions: [...(message.mentions ?? [])], reactions: message.reactions.map((g) => ({ emoji: g.emoji, userIds: [...g.userIds], seqs: [...g.seqs] })) };
}
