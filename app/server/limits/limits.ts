import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config.ts';
import { rateLimited } from '../errors.ts';
import type { RedisKeys } from '../realtime/redis-keys.ts';

/** Every limit the server applies, by name; callers name one and pass whose budget it is. */
export type LimitName = 'login-account' | 'login-address' | 'send' | 'chat-create' | 'upload' | 'socket-event' | 'link-preview' | 'invite-create';

interface LimitRule {
  /** Units allowed per window. */
  points: number;
  windowSeconds: number;
  message: string;
  /** Kept in this process even with Redis: the budget belongs to something that lives here (a socket). */
  local?: boolean;
}

const LOGIN_WINDOW_SECONDS = 15 * 60;
// A shared address (an office behind one NAT) signs in many people; it gets five accounts' worth.
const ADDRESS_FACTOR = 5;
const LINK_PREVIEWS_PER_MINUTE = 600;

function rulesFor(config: Config): Record<LimitName, LimitRule> {
  const { limits } = config;
  const signIn = 'Too many sign-in attempts; wait a few minutes and try again.';
  return {
    'login-account': { points: config.loginAttempts, windowSeconds: LOGIN_WINDOW_SECONDS, message: signIn },
    'login-address': { points: config.loginAttempts * ADDRESS_FACTOR, windowSeconds: LOGIN_WINDOW_SECONDS, message: signIn },
    // A burst of `burst` messages, refilled at `perSecond`: one window of burst / perSecond seconds.
    send: {
      points: config.messageRate.burst,
      windowSeconds: Math.max(1, Math.round(config.messageRate.burst / config.messageRate.perSecond)),
      message: 'You are sending messages too fast; slow down.',
    },
    'chat-create': { points: limits.chatsPerMinute, windowSeconds: 60, message: 'You are creating chats too fast; wait a minute.' },
    upload: { points: config.uploadRatePerMinute, windowSeconds: 60, message: 'You are uploading too fast; wait a minute.' },
    // A chat scrolled through asks for many cards (and their images); a fetch happens only on a cache miss.
    'link-preview': { points: LINK_PREVIEWS_PER_MINUTE, windowSeconds: 60, message: 'Too many link previews; wait a minute.' },
    // Invite links made by members: enough for a team lead's afternoon, too few for link farming.
    'invite-create': { points: 20, windowSeconds: 60 * 60, message: 'You have made many invite links this hour; wait a while.' },
    'socket-event': {
      points: limits.socketEventsPerSecond * 3,
      windowSeconds: 3,
      message: 'Too many events on this connection; slow down.',
      local: true,
    },
  };
}

/**
 * The named rate limits (rate-limiter-flexible). With Redis they are counted in Redis, atomically,
 * so every replica draws on the same budget; a Redis outage falls back to counting per replica
 * instead of refusing everyone. Without Redis they are counted in memory.
 */
export class Limits {
  private readonly limiters: Record<LimitName, RateLimiterAbstract>;
  private readonly rules: Record<LimitName, LimitRule>;

  constructor(config: Config, store?: { redis: Redis; keys: RedisKeys }) {
    const rules = (this.rules = rulesFor(config));
    this.limiters = Object.fromEntries(
      (Object.keys(rules) as LimitName[]).map((name) => {
        const { points, windowSeconds: duration, local } = rules[name];
        const memory = new RateLimiterMemory({ points, duration, keyPrefix: name });
        if (!store || local) return [name, memory];
        // Not waiting for a reconnect: while Redis is away, the in-memory count stands in at once.
        return [name, new RateLimiterRedis({ storeClient: store.redis, points, duration, keyPrefix: store.keys.limit(name), insuranceLimiter: memory, rejectIfRedisNotReady: true })];
      }),
    ) as Record<LimitName, RateLimiterAbstract>;
  }

  /** Takes `points` from `key`'s budget, or throws 429 rate_limited with the limit's message. */
  async consume(name: LimitName, key: string, points = 1): Promise<void> {
    try {
      await this.limiters[name].consume(key, points);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw rateLimited(this.rules[name].message);
      throw error;
    }
  }

  /** Takes from several budgets at once; all are charged, and any exhausted one refuses. */
  async consumeAll(budgets: [LimitName, string][]): Promise<void> {
    const results = await Promise.allSettled(budgets.map(([name, key]) => this.consume(name, key)));
    const refused = results.find((result) => result.status === 'rejected');
    if (refused) throw refused.reason;
  }

  /** Gives points back (a charge that turned out not to count, such as a successful sign-in). */
  async refund(name: LimitName, key: string, points = 1): Promise<void> {
    await this.limiters[name].reward(key, points);
  }

  async reset(name: LimitName, key: string): Promise<void> {
    await this.limiters[name].delete(key);
  }
}
