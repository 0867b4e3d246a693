import type { RealtimeBus } from './realtime-bus.ts';

export interface PresenceEntry {
  userId: string;
  online: boolean;
  lastSeenAt: string;
}

/**
 * Who is online, counted by open sockets per user. In memory: one process sees all its sockets;
 * several replicas need the Redis-backed store that replaces this one.
 */
export class PresenceTracker {
  private readonly connections = new Map<string, number>();
  private readonly lastSeen = new Map<string, string>();

  constructor(private readonly bus: RealtimeBus) {}

  connected(userId: string): void {
    const count = (this.connections.get(userId) ?? 0) + 1;
    this.connections.set(userId, count);
    if (count === 1) this.bus.toEveryone('presence', this.entry(userId, true));
  }

  disconnected(userId: string): void {
    const count = (this.connections.get(userId) ?? 1) - 1;
    if (count > 0) {
      this.connections.set(userId, count);
      return;
    }
    this.connections.delete(userId);
    this.lastSeen.set(userId, new Date().toISOString());
    this.bus.toEveryone('presence', this.entry(userId, false));
  }

  online(): PresenceEntry[] {
    return [...this.connections.keys()].map((userId) => this.entry(userId, true));
  }

  private entry(userId: string, online: boolean): PresenceEntry {
    const lastSeenAt = online ? new Date().toISOString() : (this.lastSeen.get(userId) ?? new Date().toISOString());
    return { userId, online, lastSeenAt };
  }
}
