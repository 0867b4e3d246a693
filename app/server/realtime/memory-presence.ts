import type { PresenceEntry, PresenceStore } from './presence-store.ts';
import type { PresenceAnnouncer } from './presence-audience.ts';

/** Presence counted by open sockets per user. One process sees all its sockets: no REDIS_URL. */
export class MemoryPresence implements PresenceStore {
  private readonly connections = new Map<string, number>();
  private readonly lastSeen = new Map<string, string>();

  constructor(private readonly announcer: PresenceAnnouncer) {}

  connected(userId: string): void {
    const count = (this.connections.get(userId) ?? 0) + 1;
    this.connections.set(userId, count);
    if (count === 1) this.announcer.announce(this.entry(userId, true));
  }

  disconnected(userId: string): void {
    const count = (this.connections.get(userId) ?? 1) - 1;
    if (count > 0) {
      this.connections.set(userId, count);
      return;
    }
    this.connections.delete(userId);
    this.lastSeen.set(userId, new Date().toISOString());
    this.announcer.announce(this.entry(userId, false));
  }

  async online(): Promise<PresenceEntry[]> {
    return [...this.connections.keys()].map((userId) => this.entry(userId, true));
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {
    await this.announcer.idle();
  }

  private entry(userId: string, online: boolean): PresenceEntry {
    const lastSeenAt = online ? new Date().toISOString() : (this.lastSeen.get(userId) ?? new Date().toISOString());
    return { userId, online, lastSeenAt };
  }
}
