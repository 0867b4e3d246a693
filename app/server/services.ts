import type { Knex } from 'knex';
import type { Identity } from './auth/identity.ts';
import type { JobScheduler } from './jobs/job-scheduler.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { WatermarkBuffer } from './commands/watermark-buffer.ts';
import type { Config } from './config.ts';
import type { Limits } from './limits/limits.ts';
import type { Logger } from './logger.ts';
import type { OriginPolicy } from './http/origin-policy.ts';
import type { Metrics } from './metrics.ts';
import type { MessageLog } from './pipeline/message-log.ts';
import type { LinkPreviews } from './previews/link-previews.ts';
import type { PresenceStore } from './realtime/presence-store.ts';
import type { RealtimeBus } from './realtime/realtime-bus.ts';
import type { RedisFanout } from './realtime/redis-fanout.ts';
import type { SettingsService } from './settings/settings-service.ts';
import type { MediaStore } from './storage/media-store.ts';
import type { MediaTools } from './storage/media-tools.ts';

/** The running parts every route and socket handler may use; built once at start. */
export interface Services {
  config: Config;
  /** Which page origins may use the session cookie (socket handshake, writes). */
  originPolicy: OriginPolicy;
  logger: Logger;
  knex: Knex;
  identity: Identity;
  bus: RealtimeBus;
  log: MessageLog;
  watermarks: WatermarkBuffer;
  presence: PresenceStore;
  /** Set when REDIS_URL is: the connections behind fan-out and presence, checked by /readyz. */
  redis?: RedisFanout;
  /** Named rate limits (sign-in, sends, chat creation, uploads, socket events): `await limits.consume(name, key)`. */
  limits: Limits;
  metrics: Metrics;
  /** Background jobs (orphan uploads, retention, ...): add them at start; run on persist replicas. */
  jobs: JobScheduler;
  /** Draining for shutdown, and the HTTP requests and socket handlers still in flight. */
  lifecycle: Lifecycle;
  /** Admin settings (upload limits, retention, registration), cached. */
  settings: SettingsService;
  /** Where attachment bytes live: files under the data directory, or the S3 bucket. */
  media: MediaStore;
  /** ffprobe/ffmpeg (posters, durations), when installed. */
  mediaTools: MediaTools;
  /** Link cards of messages, fetched through the SSRF guard and cached by URL. */
  previews: LinkPreviews;
}
