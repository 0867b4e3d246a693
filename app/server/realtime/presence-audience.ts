import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';
import type { PresenceEntry } from './presence-store.ts';
import type { RealtimeBus } from './realtime-bus.ts';

/**
 * Presence reaches only the people who share a chat with the user: one indexed query for the
 * user's chats, then one emit to those chats' rooms (Socket.IO sends each socket one copy however
 * many of the rooms it is in). The cost grows with the number of the user's chats, not with the
 * number of people online or in the organisation; with Redis it is one published message.
 */
export class PresenceAnnouncer {
  /** Per user, the announcement in flight: an online and the following offline keep their order. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly knex: Knex,
    private readonly bus: RealtimeBus,
    private readonly logger: Logger,
  ) {}

  announce(entry: PresenceEntry): void {
    const next = (this.chains.get(entry.userId) ?? Promise.resolve())
      .then(async () => {
        const chats = (await this.knex('chatMembers').where({ userId: entry.userId }).select('chatId')) as { chatId: string }[];
        this.bus.toChats(chats.map((chat) => chat.chatId), 'presence', entry);
      })
      // Presence is volatile: a lost announcement is corrected by the next one or by GET /api/presence.
      .catch((error: unknown) => this.logger.warn({ err: error, userId: entry.userId }, 'presence not announced'));
    this.chains.set(entry.userId, next);
    void next.then(() => {
      if (this.chains.get(entry.userId) === next) this.chains.delete(entry.userId);
    });
  }

  /** Settles once every announcement made so far has gone out. */
  async idle(): Promise<void> {
    await Promise.all(this.chains.values());
  }
}

/** The entries a viewer may see: their own and those of people who share a chat with them. */
export async function visiblePresence(knex: Knex, viewerId: string, entries: PresenceEntry[]): Promise<PresenceEntry[]> {
  const others = entries.filter((entry) => entry.userId !== viewerId);
  if (others.length === 0) return entries;
  const result = await knex.raw<{ rows: { userId: string }[] }>(
    `SELECT o.user_id AS "userId" FROM unnest(?::uuid[]) AS o(user_id)
      WHERE EXISTS (SELECT 1 FROM chat_members mine JOIN chat_members theirs ON theirs.chat_id = mine.chat_id
                     WHERE mine.user_id = ? AND theirs.user_id = o.user_id)`,
    [others.map((entry) => entry.userId), viewerId],
  );
  const visible = new Set([viewerId, ...result.rows.map((row) => row.userId)]);
  return entries.filter((entry) => visible.has(entry.userId));
}
