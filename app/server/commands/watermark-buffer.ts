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
      const result = await this.knex.raw<{ rows: { chatId: string; userId: string; deliveredSeq: number; readSeq: number }[] }>(
        `UPDATE chat_members cm
            SET read_seq = GREATEST(cm.read_seq, LEAST(v.read_seq, c.last_seq)),
                delivered_seq = GREATEST(cm.delivered_seq, LEAST(v.delivered_seq, c.last_seq))
           FROM unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::bigint[]) AS v(chat_id, user_id, delivered_seq, read_seq)
           JOIN chats c ON c.id = v.chat_id
          WHERE cm.chat_id = v.chat_id AND cm.user_id = v.user_id
      RETURNING cm.chat_id AS "chatId", cm.user_id AS "userId", cm.delivered_seq AS "deliveredSeq", cm.read_seq AS "readSeq"`,
        [entries.map((e) => e.chatId), entries.map((e) => e.userId), entries.map((e) => e.deliveredSeq), entries.map((e) => e.readSeq)],
      );
      for (const row of result.rows) this.bus.toChat(row.chatId, 'receipt', row);
      for (const entry of entries) for (const waiter of entry.waiters) waiter.resolve();
    } catch (error) {
      this.logger.error({ err: error }, 'watermark flush failed');
      for (const entry of entries) for (const waiter of entry.waiters) waiter.reject(error);
    }
  }
}
