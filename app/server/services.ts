import type { Knex } from 'knex';
import type { Identity } from './auth/identity.ts';
import type { RateLimiter } from './auth/rate-limiter.ts';
import type { WatermarkBuffer } from './commands/watermark-buffer.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { MessageLog } from './pipeline/message-log.ts';
import type { PresenceTracker } from './realtime/presence.ts';
import type { RealtimeBus } from './realtime/realtime-bus.ts';

/** The running parts every route and socket handler may use; built once at start. */
export interface Services {
  config: Config;
  logger: Logger;
  knex: Knex;
  identity: Identity;
  bus: RealtimeBus;
  log: MessageLog;
  watermarks: WatermarkBuffer;
  presence: PresenceTracker;
  messageLimiter: RateLimiter;
  metrics: Metrics;
}
