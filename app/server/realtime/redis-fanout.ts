import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import type { Logger } from '../logger.ts';
import { redisKeys, type RedisKeys } from './redis-keys.ts';

const CONNECT_TIMEOUT_MS = 5000;
const PING_TIMEOUT_MS = 1000;

function maskedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '****';
  return parsed.toString();
}

/**
 * The Redis connections of one replica: `pub` publishes broadcasts and runs presence commands,
 * `sub` sits in subscriber mode for the Socket.IO adapter (a subscribed connection runs nothing else).
 */
export class RedisFanout {
  private publishFailures = 0;

  private constructor(
    readonly pub: Redis,
    private readonly sub: Redis,
    readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {}

  /**
   * Connects both clients or fails with one line naming REDIS_URL: a wrong URL is a configuration
   * mistake best reported at start. Later outages are survived (ioredis reconnects and
   * resubscribes) and reported by /readyz.
   */
  static async connect(url: string, logger: Logger): Promise<RedisFanout> {
    const options = { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS };
    const pub = new Redis(url, { ...options, connectionName: 'chatflow-pub' });
    const sub = new Redis(url, { ...options, connectionName: 'chatflow-sub' });
    // ioredis emits every reconnect failure as 'error'; without a listener they are silent, so log them.
    let firstError: Error | undefined;
    for (const client of [pub, sub]) {
      client.on('error', (error: Error) => {
        firstError ??= error;
        logger.warn({ err: error }, 'redis connection error');
      });
    }
    try {
      await Promise.all([pub.connect(), sub.connect()]);
    } catch (error) {
      pub.disconnect();
      sub.disconnect();
      // connect() may reject with a bare "Connection is closed."; the socket error says why.
      const reason = (firstError ?? (error instanceof Error ? error : new Error(String(error)))).message;
      throw new Error(`REDIS_URL: cannot reach Redis at ${maskedUrl(url)} (${reason})`);
    }
    return new RedisFanout(pub, sub, redisKeys(pub.options.db ?? 0), logger);
  }

  /** Makes every emit, room change and disconnect of `io` reach the sockets of every replica. */
  async attach(io: Server): Promise<void> {
    io.adapter(createAdapter(this.publisherFor(), this.sub, { key: this.keys.adapter }));
    // Replies come in command order: once this PING answers, the adapter's subscriptions are in place.
    await this.sub.ping();
    this.announceRecoveries(io);
  }

  /**
   * The adapter publishes without awaiting: during an outage each broadcast would reject unseen
   * (and, before, crash the process). Failed publishes are counted and logged once per outage;
   * the events they carried are recovered by the `resync` hint below.
   */
  private publisherFor(): Redis {
    return new Proxy(this.pub, {
      get: (target, property, receiver) => {
        if (property !== 'publish') return Reflect.get(target, property, receiver) as unknown;
        return (...args: Parameters<Redis['publish']>) =>
          target.publish(...args).catch((error: unknown) => {
            if (this.publishFailures++ === 0) this.logger.warn({ err: error }, 'redis publish failed; other replicas miss live events until it recovers');
            return 0;
          });
      },
    });
  }

  /**
   * After Redis comes back, this replica's clients may have missed live events published by other
   * replicas (or by this one) meanwhile. A `resync` hint tells them to run chat:sync, which fills
   * every gap by seq, even in a chat where no later message would have shown the gap.
   */
  private announceRecoveries(io: Server) {
    let down = false;
    for (const client of [this.pub, this.sub]) {
      client.on('close', () => (down = true));
      client.on('ready', () => {
        if (!down || this.pub.status !== 'ready' || this.sub.status !== 'ready') return;
        down = false;
        this.publishFailures = 0;
        // Subscriptions are restored on 'ready'; the PING answers after them.
        void this.sub.ping().then(
          () => {
            this.logger.info('redis is back; asking clients to resync');
            io.local.emit('resync', { reason: 'fanout_restored' });
          },
          () => undefined,
        );
      });
    }
  }

  async check(): Promise<'ok' | 'failing'> {
    if (this.pub.status !== 'ready') return 'failing';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'failing'>((resolve) => (timer = setTimeout(() => resolve('failing'), PING_TIMEOUT_MS)));
    const ping = this.pub.ping().then(
      () => 'ok' as const,
      () => 'failing' as const,
    );
    try {
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** QUIT lets queued commands finish; with Redis unreachable it would wait, so just drop the socket. */
  async close(): Promise<void> {
    await Promise.all(
      [this.pub, this.sub].map((client) => (client.status === 'ready' ? client.quit().then(() => undefined, () => client.disconnect()) : client.disconnect())),
    );
  }
}
