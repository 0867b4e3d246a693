import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminAuditRoutes } from '../../admin/api/admin-audit-routes.ts';
import { adminGroupRoutes } from '../../admin/api/admin-group-routes.ts';
import { adminInviteRoutes } from '../../admin/api/admin-invite-routes.ts';
import { adminSettingsRoutes } from '../../admin/api/admin-settings-routes.ts';
import { adminStatsRoutes } from '../../admin/api/admin-stats-routes.ts';
import { adminUserRoutes } from '../../admin/api/admin-user-routes.ts';
import { Identity } from './auth/identity.ts';
import { resolveInstallationSecret } from './auth/installation-secret.ts';
import { SessionTokens } from './auth/session-tokens.ts';
import { ensureFirstAdmin } from './bootstrap/first-admin.ts';
import { WatermarkBuffer } from './commands/watermark-buffer.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import type { AppCustom, AppState } from './http/context.ts';
import { csrfGuard } from './http/csrf-guard.ts';
import { authenticate, drainGuard, errorHandler } from './http/middleware.ts';
import { OriginPolicy } from './http/origin-policy.ts';
import { authRoutes } from './http/routes/auth-routes.ts';
import { chatMemberRoutes } from './http/routes/chat-member-routes.ts';
import { chatRoutes } from './http/routes/chat-routes.ts';
import { healthRoutes } from './http/routes/health-routes.ts';
import { attachmentRoutes } from './http/routes/attachment-routes.ts';
import { linkPreviewRoutes } from './http/routes/link-preview-routes.ts';
import { messageRoutes } from './http/routes/message-routes.ts';
import { searchRoutes } from './http/routes/search-routes.ts';
import { authOptionsRoutes } from './http/routes/auth-options-routes.ts';
import { signupRoutes } from './http/routes/signup-routes.ts';
import { uploadRoutes } from './http/routes/upload-routes.ts';
import { userRoutes } from './http/routes/user-routes.ts';
import { securityHeaders } from './http/security-headers.ts';
import { staticFiles } from './http/static-files.ts';
import { refuseUnsafePath } from './http/text-guard.ts';
import type { Logger } from './logger.ts';
import { createMetrics, registerLiveGauges, serveMetrics } from './metrics.ts';
import { JobScheduler } from './jobs/job-scheduler.ts';
import { retentionJob } from './jobs/retention-job.ts';
import { Lifecycle } from './lifecycle.ts';
import { Limits } from './limits/limits.ts';
import { createMessageLog } from './pipeline/create-message-log.ts';
import { IsolatingWriter } from './pipeline/isolating-writer.ts';
import { MessageWriter } from './pipeline/message-writer.ts';
import { validatedLog } from './pipeline/validated-log.ts';
import { MemoryPresence } from './realtime/memory-presence.ts';
import { PresenceAnnouncer } from './realtime/presence-audience.ts';
import type { PresenceStore } from './realtime/presence-store.ts';
import { RealtimeBus } from './realtime/realtime-bus.ts';
import { RedisPresence } from './realtime/redis-presence.ts';
import { attachRealtime, createSocketServer } from './realtime/socket-server.ts';
import type { Services } from './services.ts';
import { SettingsService } from './settings/settings-service.ts';
import { assertPortsFree } from './port-probe.ts';
import { orphanUploadsJob } from './jobs/orphan-uploads.ts';
import { clearStaleStaging } from './commands/upload-receiver.ts';
import { removeMediaObjects } from './commands/attachment-remover.ts';
import { createMediaStore } from './storage/create-media-store.ts';
import { MediaTools } from './storage/media-tools.ts';
import { createHostResolver } from './previews/host-resolver.ts';
import { LinkPreviews } from './previews/link-previews.ts';

export interface RunningChatFlow {
  url: string;
  port: number;
  services: Services;
  close(): Promise<void>;
}

function createHttpApp(services: Services): Koa<AppState, AppCustom> {
  // Only the configured number of proxy hops: a client's own X-Forwarded-For entries are ignored.
  const app = new Koa<AppState, AppCustom>({ proxy: services.config.trustProxy, maxIpsCount: services.config.trustProxyHops });
  app.context.services = services;
  // Errors inside handlers are answered by errorHandler; what reaches here is a client hanging up.
  app.on('error', (error: { code?: string }) => {
    if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE' && error.code !== 'ECONNRESET') services.logger.warn({ err: error }, 'http error');
  });
  app.use(errorHandler);
  app.use(securityHeaders);
  app.use(drainGuard);
  app.use(staticFiles);
  app.use(csrfGuard);
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' }));
  app.use(refuseUnsafePath);
  app.use(authenticate);
  const routers = [
    healthRoutes(), authRoutes(), authOptionsRoutes(), signupRoutes(), userRoutes(), chatRoutes(), chatMemberRoutes(), messageRoutes(), searchRoutes(), uploadRoutes(), attachmentRoutes(),
    linkPreviewRoutes(),
  ];
  const adminRouters = [adminUserRoutes(), adminGroupRoutes(), adminSettingsRoutes(), adminStatsRoutes(), adminAuditRoutes(), adminInviteRoutes()];
  for (const router of [...routers, ...adminRouters]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
}

function listen(server: HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Waits for work, but no longer than the deadline (then says so and goes on). */
async function settleWithin(work: Promise<void>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([work.then(() => 'done' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'late') onTimeout();
}

/** Starts every part of Chat-Flow in this process and returns a handle that stops them in order. */
export async function startChatFlow(config: Config, logger: Logger): Promise<RunningChatFlow> {
  // Before anything is opened or created: a busy port leaves no data directory behind.
  await assertPortsFree(config);
  // Redis first: a wrong REDIS_URL stops the start before anything else is opened.
  // Redis, Kafka and Clerk clients are loaded only when configured: a plain start never imports them.
  const redis = config.redisUrl ? await (await import('./realtime/redis-fanout.ts')).RedisFanout.connect(config.redisUrl, logger) : undefined;
  const database = await openDatabase(config, logger).catch(async (error: unknown) => {
    await redis?.close();
    throw error;
  });
  const { knex } = database;
  // The bucket (or directory) is made now, so a wrong S3 setting stops the start with one line.
  const media = createMediaStore(config);
  await media.init().catch(async (error: unknown) => {
    await database.close();
    await redis?.close();
    throw error;
  });
  await clearStaleStaging(config.dataDir);
  await ensureFirstAdmin(knex, config, logger);
  const secret = await resolveInstallationSecret(knex, config.secret);

  const httpServer = createServer();
  const io = createSocketServer(httpServer);
  await redis?.attach(io);
  const bus = new RealtimeBus(io);
  const announcer = new PresenceAnnouncer(knex, bus, logger);
  const presence: PresenceStore = redis
    ? new RedisPresence(redis.pub, redis.keys, announcer, logger, config.presenceTtlSeconds)
    : new MemoryPresence(announcer);
  await presence.start();
  const metrics = createMetrics();
  // A settings change on one replica drops the cached settings of every other (through the Redis adapter).
  const settings = new SettingsService(knex, redis ? () => io.serverSideEmit('settings:changed') : undefined);
  if (redis) io.on('settings:changed', () => settings.invalidate());
  // One refused record fails only itself, never the batch it came in. A deleted message's files go
  // with it: the writer removes their rows, the store the bytes.
  const writer = new IsolatingWriter(new MessageWriter(knex, bus, logger, metrics, settings, (keys) => removeMediaObjects(media, logger, keys)), logger);
  const limits = new Limits(config, redis ? { redis: redis.pub, keys: redis.keys } : undefined);
  const services: Services = {
    config,
    originPolicy: new OriginPolicy(config.allowedOrigins),
    logger,
    knex,
    bus,
    metrics,
    identity: new Identity(knex, {
      tokens: new SessionTokens(secret),
      clerk: config.clerk ? new (await import('./auth/clerk-verifier.ts')).ClerkVerifier(config.clerk) : undefined,
      sessionDays: async () => (await settings.get()).sessionDays ?? config.sessionDays,
      limits,
      logger,
      builtInAccounts: async () => (await settings.get()).builtInAccounts,
    }),
    log: validatedLog(await createMessageLog(config, writer, logger, metrics)),
    watermarks: new WatermarkBuffer(knex, bus, logger),
    presence,
    redis,
    limits,
    settings,
    jobs: new JobScheduler(knex, logger),
    media,
    mediaTools: new MediaTools(config.ffmpeg, logger),
    previews: new LinkPreviews(knex, settings, createHostResolver(config.dnsServers), logger),
    lifecycle: new Lifecycle(),
  };
  services.jobs.add(orphanUploadsJob(services));
  attachRealtime(io, services);
  services.jobs.add(retentionJob(services));
  registerLiveGauges(metrics, { sockets: () => io.of('/').sockets.size, logLag: () => services.log.lag() });
  // Background jobs belong to the replicas that write; each run holds its job's advisory lock.
  if (config.roles.has('persist')) services.jobs.start();
  const handleHttp = createHttpApp(services).callback();
  // Socket.IO answers its own path on the same server; Koa must not answer those requests twice.
  httpServer.on('request', (req, res) => {
    if (!req.url?.startsWith('/socket.io/')) void handleHttp(req, res);
  });

  const port = await listen(httpServer, config.port, config.host);
  const metricsListener = config.metricsAddress ? await serveMetrics(metrics.registry, config.metricsAddress) : undefined;
  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;
  logger.info({ url }, 'Chat-Flow is serving');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    services,
    // Ordered (README, "What happens when..."): readiness fails and new work is refused, the listener
    // stops, work in flight finishes, accepted sends are written and acked, the writer commits and
    // leaves its group, watermarks flush, then sockets reconnect elsewhere and the pools close.
    close: () =>
      (closing ??= (async () => {
        const { lifecycle } = services;
        lifecycle.draining = true;
        httpServer.close();
        httpServer.closeIdleConnections();
        await services.jobs.stop();
        await settleWithin(lifecycle.idle(), config.shutdownTimeoutMs, () => logger.warn({ inFlight: lifecycle.inFlight }, 'shutdown: work still in flight at the deadline'));
        await services.log.close();
        await services.watermarks.flush();
        // A closed transport (not a server-side disconnect) makes clients reconnect, to another replica.
        for (const socket of io.of('/').sockets.values()) socket.conn.close();
        // Before io.close, so the last offline broadcasts still go out through the adapter.
        await services.presence.close();
        await new Promise<void>((resolve) => io.close(() => resolve()));
        httpServer.closeAllConnections();
        await metricsListener?.close();
        await redis?.close();
        await database.close();
        logger.info('Chat-Flow stopped');
      })()),
  };
}
