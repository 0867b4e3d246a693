import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';
import type { RealtimeBus } from '../realtime/realtime-bus.ts';

interface Entry {
  chatId: string;
  userId: string;
  deliveredSeq: number;
  readSeq: number;
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

const FLUSH_DELAY_MS = 25;

interface StoredReceipt {
  chatId: string;
  userId: string;
  deliveredSeq: number;
  readSeq: number;
  /** Who hears of it: in a direct chat the peer; in a group the authors the watermark moved past. */
  audience: string[];
}

/**
 * One statement per flush: stores the watermarks that moved (an unchanged one returns no row, so
 * it is announced to nobody) and names each one's audience. `o` is the row before the update.
 * In a group only the authors of messages in (old, new] of either watermark need to know (their
 * "seen by N" and ticks change); everyone else's view of that member's watermark is only used for
 * their own messages, which it did not pass. Notices and one's own messages have no audience.
 */
const WATERMARK_SQL = `
  WITH v AS (
    SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::bigint[]) AS v(chat_id, user_id, delivered_seq, read_seq)
  ), moved AS (
    UPDATE chat_members cm
       SET read_seq = GREATEST(cm.read_seq, LEAST(v.read_seq, c.last_seq)),
           delivered_seq = GREATEST(cm.delivered_seq, LEAST(v.delivered_seq, c.last_seq))
      FROM v
      JOIN chats c ON c.id = v.chat_id
      JOIN chat_members o ON o.chat_id = v.chat_id AND o.user_id = v.user_id
     WHERE cm.chat_id = v.chat_id AND cm.user_id = v.user_id
       AND (LEAST(v.read_seq, c.last_seq) > cm.read_seq OR LEAST(v.delivered_seq, c.last_seq) > cm.delivered_seq)
 RETURNING cm.chat_id, cm.user_id, cm.delivered_seq, cm.read_seq, o.delivered_seq AS old_delivered, o.read_seq AS old_read, c.kind
  )
  SELECT mv.chat_id AS "chatId", mv.user_id AS "userId", mv.delivered_seq AS "deliveredSeq", mv.read_seq AS "readSeq",
         CASE WHEN mv.kind = 'direct' THEN ARRAY(
           SELECT p.user_id FROM chat_members p WHERE p.chat_id = mv.chat_id AND p.user_id <> mv.user_id
         ) ELSE ARRAY(
           SELECT DISTINCT m.sender_id FROM messages m
             JOIN chat_members a ON a.chat_id = m.chat_id AND a.user_id = m.sender_id
            WHERE m.chat_id = mv.chat_id AND m.sender_id <> mv.user_id AND m.kind <> 'system'
              AND ((m.seq > mv.old_delivered AND m.seq <= mv.delivered_seq) OR (m.seq > mv.old_read AND m.seq <= mv.read_seq))
         ) END AS audience
    FROM moved mv`;

/**
 * Delivered and read watermarks from every client, coalesced per member and written in one
 * statement per flush: receipts arrive for every message, so they must not cost a round trip each.
 * Watermarks only move forward and never past the chat's last seq.
 */
export class WatermarkBuffer {
  private pending = new Map<string, Entry>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly knex: Knex,
    private readonly bus: RealtimeBus,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the watermark is stored (callers have already checked membership). */
  advance(chatId: string, userId: string, marks: { deliveredSeq?: number; readSeq?: number }): Promise<void> {
    const key = `${chatId}:${userId}`;
    const entry = this.pending.get(key) ?? { chatId, userId, deliveredSeq: 0, readSeq: 0, waiters: [] };
    entry.readSeq = Math.max(entry.readSeq, marks.readSeq ?? 0);
    entry.deliveredSeq = Math.max(entry.deliveredSeq, marks.deliveredSeq ?? 0, entry.readSeq);
    this.pending.set(key, entry);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
    return new Promise((resolve, reject) => entry.waiters.push({ resolve, reject }));
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const entries = [...this.pending.values()];
    this.pending = new Map();
    if (entries.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(entries));
    return this.flushing;
  }

  private async write(entries: Entry[]): Promise<void> {
    try {
      const result = await this.knex.raw<{ rows: StoredReceipt[] }>(WATERMARK_SQL, [
        entries.map((e) => e.chatId),
        entries.map((e) => e.userId),
        entries.map((e) => e.deliveredSeq),
        entries.map((e) => e.readSeq),
      ]);
      for (const { audience, ...receipt } of result.rows) this.bus.toUsers(audience, 'receipt', receipt);
      for (const entry of entries) for (const waiter of entry.waiters) waiter.resolve();
    } catch (error) {
      this.logger.error({ err: error }, 'watermark flush failed');
      for (const entry of entries) for (const waiter of entry.waiters) waiter.reject(error);
    }
  }
}
