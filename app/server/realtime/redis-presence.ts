import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { PresenceAnnouncer } from './presence-audience.ts';
import type { PresenceEntry, PresenceStore } from './presence-store.ts';
import type { RedisKeys } from './redis-keys.ts';

/**
 * Presence across replicas. Each replica counts its own sockets per user and keeps the set of its
 * online users in Redis next to a heartbeat key; both expire unless the replica refreshes them every
 * ttl/3. online() is the union over replicas whose heartbeat is alive, so a crashed replica's users
 * drop out by themselves within the TTL. Live replicas also sweep dead ones (one wins the claim) to
 * broadcast offline for their users. A user goes offline only when no live replica has a socket.
 */
export class RedisPresence implements PresenceStore {
  readonly replicaId = randomUUID();
  private readonly local = new Map<string, number>();
  /** Per user, the Redis work in flight: a user's online/offline steps must not overtake each other. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly ttlMs: number;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly announcer: PresenceAnnouncer,
    private readonly logger: Logger,
    ttlSeconds: number,
  ) {
    this.ttlMs = ttlSeconds * 1000;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.started = true;
    this.timer = setInterval(() => this.tick(), Math.max(100, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  connected(userId: string): void {
    if (this.stopped) return;
    const count = (this.local.get(userId) ?? 0) + 1;
    this.local.set(userId, count);
    if (count > 1) return;
    const key = this.keys.replicaUsers(this.replicaId);
    this.serialize(userId, async () => {
      await this.redis.multi().sadd(key, userId).pexpire(key, this.ttlMs * 2).exec();
      if (!(await this.onlineElsewhere([userId])).has(userId)) this.announce(userId, true);
    });
  }

  disconnected(userId: string): void {
    if (this.stopped) return;
    const count = (this.local.get(userId) ?? 1) - 1;
    if (count > 0) {
      this.local.set(userId, count);
      return;
    }
    this.local.delete(userId);
    this.serialize(userId, async () => {
      await this.redis.srem(this.keys.replicaUsers(this.replicaId), userId);
      if (!(await this.onlineElsewhere([userId])).has(userId)) this.announce(userId, false);
    });
  }

  async online(): Promise<PresenceEntry[]> {
    const live = await this.liveReplicas();
    if (live.length === 0) return [];
    const userIds = await this.redis.sunion(...live.map(this.keys.replicaUsers));
    const now = new Date().toISOString();
    return userIds.map((userId) => ({ userId, online: true, lastSeenAt: now }));
  }

  async close(): Promise<void> {
    this.halt();
    await this.ticking;
    await Promise.all(this.chains.values());
    await this.announcer.idle();
    if (this.redis.status !== 'ready') return;
    await this.redis
      .multi()
      .srem(this.keys.replicas, this.replicaId)
      .del(this.keys.heartbeat(this.replicaId), this.keys.replicaUsers(this.replicaId))
      .exec();
  }

  /**
   * Stops refreshing and forgets local counts without touching Redis: what a crash leaves behind.
   * close() is the orderly path; this one exists so tests can kill a replica inside one process.
   */
  abandon(): void {
    this.halt();
    this.local.clear();
  }

  private halt() {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private tick() {
    if (this.ticking || this.stopped) return;
    this.ticking = this.refresh()
      .then(() => this.sweep())
      .catch((error: unknown) => this.logger.warn({ err: error }, 'presence refresh failed'))
      .finally(() => (this.ticking = undefined));
  }

  /**
   * Heartbeat, registration, and a rewrite of this replica's user set from the local counts, so a
   * Redis restart or a missed SREM during an outage repairs itself on the next refresh.
   */
  private async refresh(): Promise<void> {
    const usersKey = this.keys.replicaUsers(this.replicaId);
    const users = [...this.local.keys()];
    const multi = this.redis
      .multi()
      .set(this.keys.heartbeat(this.replicaId), String(Date.now()), 'PX', this.ttlMs)
      .sadd(this.keys.replicas, this.replicaId)
      .del(usersKey);
    if (users.length) multi.sadd(usersKey, ...users).pexpire(usersKey, this.ttlMs * 2);
    const results = await multi.exec();
    // Registered anew after start: a sweeper took us for dead (we stalled past the TTL) or Redis
    // lost its data. Others may have broadcast our users offline, so say they are back.
    if (this.started && results?.[1]?.[1] === 1) {
      this.logger.warn({ replicaId: this.replicaId }, 'presence re-registered after expiring');
      for (const userId of users) this.announce(userId, true);
    }
  }

  /** Broadcasts offline for the users of replicas whose heartbeat expired; SREM decides who does it. */
  private async sweep(): Promise<void> {
    const ids = await this.redis.smembers(this.keys.replicas);
    const beats = ids.length ? await this.redis.mget(ids.map(this.keys.heartbeat)) : [];
    for (const [index, id] of ids.entries()) {
      if (beats[index] !== null || id === this.replicaId) continue;
      if ((await this.redis.srem(this.keys.replicas, id)) !== 1) continue;
      const usersKey = this.keys.replicaUsers(id);
      const [users] = await Promise.all([this.redis.smembers(usersKey), this.redis.del(usersKey)]);
      const elsewhere = await this.onlineElsewhere(users);
      for (const userId of users) if (!elsewhere.has(userId) && !this.local.has(userId)) this.announce(userId, false);
      this.logger.info({ replicaId: id, users: users.length }, 'swept presence of a dead replica');
    }
  }

  private async liveReplicas(): Promise<string[]> {
    const ids = await this.redis.smembers(this.keys.replicas);
    if (ids.length === 0) return [];
    const beats = await this.redis.mget(ids.map(this.keys.heartbeat));
    return ids.filter((_, index) => beats[index] !== null);
  }

  /** Which of these users have a socket on another live replica. */
  private async onlineElsewhere(userIds: string[]): Promise<Set<string>> {
    const others = (await this.liveReplicas()).filter((id) => id !== this.replicaId);
    const found = new Set<string>();
    if (userIds.length === 0) return found;
    const answers = await Promise.all(others.map((id) => this.redis.smismember(this.keys.replicaUsers(id), ...userIds)));
    for (const answer of answers) answer.forEach((member, index) => member === 1 && found.add(userIds[index]!));
    return found;
  }

  private announce(userId: string, online: boolean) {
    this.announcer.announce({ userId, online, lastSeenAt: new Date().toISOString() });
  }

  /**
   * Runs a user's Redis step after their previous one. During a Redis outage the step is skipped
   * (presence is volatile); the next refresh rewrites this replica's set from the local counts.
   */
  private serialize(userId: string, step: () => Promise<void>) {
    const next = (this.chains.get(userId) ?? Promise.resolve())
      .then(() => (this.redis.status === 'ready' ? step() : undefined))
      .catch((error: unknown) => this.logger.warn({ err: error, userId }, 'presence update failed'));
    this.chains.set(userId, next);
    void next.then(() => {
      if (this.chains.get(userId) === next) this.chains.delete(userId);
    });
  }
}
