import { z } from 'zod';
import { createPublicKey } from 'node:crypto';
import path from 'node:path';
import { KAFKA_DEFAULTS, type KafkaSettings } from './pipeline/kafka-settings.ts';
import { isDnsServer } from './previews/host-resolver.ts';

const ROLES = ['web', 'realtime', 'persist'] as const;

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const PORT_MESSAGE = 'expected a port number from 0 to 65535';
// An empty PORT= (common in env files) means unset, not port 0.
const portNumber = (fallback: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.coerce.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(0, PORT_MESSAGE).max(65535, PORT_MESSAGE).default(fallback),
  );

const envSchema = z.object({
  PORT: portNumber(3000),
  HOST: z.string().default('0.0.0.0'),
  CHATFLOW_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  KAFKA_BROKERS: optionalString,
  CHATFLOW_KAFKA_TOPIC: z.string().trim().min(1).default(KAFKA_DEFAULTS.topic),
  CHATFLOW_KAFKA_GROUP: z.string().trim().min(1).default(KAFKA_DEFAULTS.groupId),
  CHATFLOW_KAFKA_SESSION_TIMEOUT_MS: positiveInt(KAFKA_DEFAULTS.sessionTimeoutMs),
  CHATFLOW_KAFKA_HEARTBEAT_MS: positiveInt(KAFKA_DEFAULTS.heartbeatIntervalMs),
  CHATFLOW_KAFKA_REBALANCE_TIMEOUT_MS: positiveInt(KAFKA_DEFAULTS.rebalanceTimeoutMs),
  CHATFLOW_KAFKA_PARTITIONS: positiveInt(KAFKA_DEFAULTS.partitions),
  CHATFLOW_KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(-1).max(32).refine((n) => n !== 0, 'expected -1 (broker default) or 1 and up').default(KAFKA_DEFAULTS.replicationFactor),
  CHATFLOW_KAFKA_IDEMPOTENT: z.enum(['true', 'false']).default(String(KAFKA_DEFAULTS.idempotent) as 'true'),
  CHATFLOW_SHUTDOWN_TIMEOUT_MS: positiveInt(25_000),
  S3_ENDPOINT: optionalString,
  S3_ACCESS_KEY: optionalString,
  S3_SECRET_KEY: optionalString,
  S3_BUCKET: optionalString,
  S3_USE_SSL: z.enum(['true', 'false']).optional(),
  S3_REGION: z.string().trim().min(1).default('us-east-1'),
  CHATFLOW_UPLOAD_RATE: positiveInt(30),
  CHATFLOW_UPLOAD_ORPHAN_SECONDS: positiveInt(24 * 60 * 60),
  CHATFLOW_FFMPEG: z.string().trim().min(1).default('ffmpeg'),
  CHATFLOW_FFPROBE: z.string().trim().min(1).default('ffprobe'),
  CLERK_JWT_KEY: optionalString,
  CLERK_SECRET_KEY: optionalString,
  CLERK_AUTHORIZED_PARTIES: optionalString,
  CLERK_ISSUER: optionalString,
  CLERK_PUBLISHABLE_KEY: optionalString,
  CHATFLOW_METRICS_ADDRESS: optionalString,
  CHATFLOW_ADMIN_EMAIL: optionalString.pipe(z.email().optional()),
  CHATFLOW_ADMIN_PASSWORD: optionalString.pipe(z.string().min(8).optional()),
  CHATFLOW_ROLES: z.string().default(ROLES.join(',')),
  CHATFLOW_SECRET: optionalString.pipe(z.string().min(32).optional()),
  CHATFLOW_SESSION_DAYS: positiveInt(30),
  CHATFLOW_MESSAGE_RATE: positiveInt(20),
  CHATFLOW_MESSAGE_BURST: positiveInt(60),
  CHATFLOW_LOGIN_ATTEMPTS: positiveInt(10),
  CHATFLOW_CHAT_CREATE_RATE: positiveInt(30),
  CHATFLOW_SOCKET_EVENT_RATE: positiveInt(20),
  CHATFLOW_SOCKET_CONCURRENCY: positiveInt(8),
  CHATFLOW_EMBEDDED_DB_PORT: portNumber(0),
  CHATFLOW_WRITER_BATCH: positiveInt(500),
  CHATFLOW_PRESENCE_TTL_SECONDS: positiveInt(30),
  CHATFLOW_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  CHATFLOW_TRUST_PROXY_HOPS: positiveInt(1),
  CHATFLOW_ALLOWED_ORIGINS: optionalString,
  CHATFLOW_DNS_SERVERS: optionalString,
  CLERK_API_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Role = (typeof ROLES)[number];

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  kafkaBrokers?: string[];
  /** Set exactly when kafkaBrokers is: the message log then runs on Kafka. */
  kafka?: KafkaSettings;
  s3?: S3Settings;
  /** Uploads per user per minute (also the burst). */
  uploadRatePerMinute: number;
  /** Uploads never sent in a message are removed this long after they were made. */
  uploadOrphanSeconds: number;
  /** The ffmpeg and ffprobe commands; when absent, videos get no poster and media no duration. */
  ffmpeg: { ffmpeg: string; ffprobe: string };
  clerk?: {
    jwtKey?: string;
    secretKey?: string;
    authorizedParties?: string[];
    issuer?: string;
    apiUrl?: string;
    /** With CLERK_PUBLISHABLE_KEY: the web UI signs in through Clerk's frontend API at this host. */
    publishable?: { key: string; frontendApi: string };
  };
  /** CHATFLOW_METRICS_ADDRESS: /metrics is served there, unauthenticated, and not on the public port. */
  metricsAddress?: { host: string; port: number };
  admin: { email?: string; password?: string };
  roles: Set<Role>;
  secret?: string;
  sessionDays: number;
  messageRate: { perSecond: number; burst: number };
  loginAttempts: number;
  /** Per user: chats created per minute; per socket: events per second of each type, handlers at once. */
  limits: { chatsPerMinute: number; socketEventsPerSecond: number; socketConcurrency: number };
  embeddedDbPort: number;
  writerBatch: number;
  /** With Redis: how long a replica's presence outlives its last refresh (refreshed every third). */
  presenceTtlSeconds: number;
  trustProxy: boolean;
  /** SIGTERM to exit: what is not done by then is abandoned (Kubernetes' grace period is 30 s). */
  shutdownTimeoutMs: number;
  /** With trustProxy: how many X-Forwarded-For entries (from the right) are the proxies' own. */
  trustProxyHops: number;
  /** Origins besides the server's own that browsers may send cookie-authenticated writes from. */
  allowedOrigins: string[];
  /** DNS servers link previews resolve through (`ip[:port]`); empty: the system resolver. */
  dnsServers: string[];
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export interface S3Settings {
  endPoint: string;
  port?: number;
  useSSL: boolean;
  region: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
}

/** S3_ENDPOINT is a host[:port] or a URL; a URL's scheme decides TLS unless S3_USE_SSL says otherwise. */
function s3EndpointParts(endpoint: string, useSsl: string | undefined): Pick<S3Settings, 'endPoint' | 'port' | 'useSSL'> | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `${useSsl === 'false' ? 'http' : 'https'}://${endpoint}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.pathname !== '/' && url.pathname !== '') return null;
    return { endPoint: url.hostname, port: url.port ? Number(url.port) : undefined, useSSL: useSsl ? useSsl === 'true' : url.protocol === 'https:' };
  } catch {
    return null;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

const SECRET_KEYS = new Set(['S3_SECRET_KEY', 'CLERK_SECRET_KEY', 'CHATFLOW_ADMIN_PASSWORD', 'CHATFLOW_SECRET']);

/** Clerk's networkless check reads the key as an RSA-2048 modulus; anything else refuses every token. */
function jwtKeyProblem(pem: string): string | null {
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) return 'expected a PEM public key (-----BEGIN PUBLIC KEY-----)';
  try {
    const key = createPublicKey(pem);
    const details = key.asymmetricKeyDetails;
    if (key.asymmetricKeyType !== 'rsa' || details?.modulusLength !== 2048 || details.publicExponent !== 65537n) {
      return 'expected an RSA-2048 public key (the kind Clerk issues)';
    }
    return null;
  } catch {
    return 'the PEM public key could not be read (is it complete?)';
  }
}

const hostnamePattern = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * A publishable key is `pk_test_` or `pk_live_` and the base64 of the instance's frontend API host
 * followed by `$`; that host is where the browser SDK talks to, so the CSP names it.
 */
function clerkFrontendApi(publishableKey: string): string | null {
  const match = /^pk_(test|live)_([A-Za-z0-9+/=_-]+)$/.exec(publishableKey);
  if (!match) return null;
  const decoded = Buffer.from(match[2]!, 'base64').toString('utf8');
  if (!decoded.endsWith('$')) return null;
  const host = decoded.slice(0, -1);
  return hostnamePattern.test(host) ? host.toLowerCase() : null;
}

/** `host:port` of the metrics listener (a bare port listens on 127.0.0.1). */
function metricsAddress(value: string): { host: string; port: number } | null {
  const match = /^(?:(\[[0-9a-f:.]+\]|[a-z0-9.-]+):)?(\d{1,5})$/i.exec(value);
  if (!match) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { host: match[1]?.replace(/^\[|\]$/g, '') ?? '127.0.0.1', port };
}

/** `scheme://host[:port]` entries, each exactly an origin (no path, no trailing slash). */
function parseOrigins(value: string | undefined, problems: string[]): string[] {
  const origins: string[] = [];
  for (const entry of value?.split(',').map((o) => o.trim()).filter(Boolean) ?? []) {
    let origin: string | undefined;
    try {
      const url = new URL(entry);
      const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !entry.endsWith('/');
      if ((url.protocol === 'http:' || url.protocol === 'https:') && bare) origin = url.origin;
    } catch {
      // reported below
    }
    if (origin) origins.push(origin);
    else problems.push(`CHATFLOW_ALLOWED_ORIGINS: "${entry}" is not an origin (expected e.g. https://chat.example.com)`);
  }
  return origins;
}

/** Reads the whole environment at once so that every problem is reported in one go. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  // The checks across variables read the raw strings, so they are reported with the schema's own.
  const raw = (name: string) => env[name]?.trim() || undefined;

  const roles = new Set<Role>();
  for (const name of (env.CHATFLOW_ROLES ?? ROLES.join(',')).split(',').map((r) => r.trim()).filter(Boolean)) {
    if ((ROLES as readonly string[]).includes(name)) roles.add(name as Role);
    else problems.push(`CHATFLOW_ROLES: unknown role "${name}" (expected ${ROLES.join(', ')})`);
  }
  if (roles.size === 0 && !problems.some((p) => p.startsWith('CHATFLOW_ROLES'))) problems.push('CHATFLOW_ROLES: at least one role is needed');

  const s3Values = ['S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_BUCKET'].map(raw);
  if (s3Values.some(Boolean) && !s3Values.every(Boolean)) {
    problems.push('S3_ENDPOINT: S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY and S3_BUCKET go together');
  }
  const s3Endpoint = raw('S3_ENDPOINT');
  if (s3Endpoint && !s3EndpointParts(s3Endpoint, raw('S3_USE_SSL'))) problems.push('S3_ENDPOINT: expected host[:port] or an http(s):// URL without a path');
  const s3Bucket = raw('S3_BUCKET');
  if (s3Bucket && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s3Bucket)) problems.push('S3_BUCKET: expected 3-63 lowercase letters, digits, dots or hyphens');
  const clerkKey = raw('CLERK_JWT_KEY');
  const clerkKeyProblem = clerkKey ? jwtKeyProblem(clerkKey.replace(/\\n/g, '\n')) : null;
  if (clerkKeyProblem) problems.push(`CLERK_JWT_KEY: ${clerkKeyProblem}`);
  const publishableKey = raw('CLERK_PUBLISHABLE_KEY');
  const frontendApi = publishableKey ? clerkFrontendApi(publishableKey) : null;
  if (publishableKey && !frontendApi) problems.push('CLERK_PUBLISHABLE_KEY: expected pk_test_ or pk_live_ followed by the base64 of the frontend API host and "$" (copy it from Clerk\'s dashboard)');
  if (publishableKey && !clerkKey && !raw('CLERK_SECRET_KEY')) problems.push('CLERK_PUBLISHABLE_KEY: needs CLERK_JWT_KEY or CLERK_SECRET_KEY, which verify the tokens the UI gets from Clerk');
  const metricsValue = raw('CHATFLOW_METRICS_ADDRESS');
  const metrics = metricsValue ? metricsAddress(metricsValue) : null;
  if (metricsValue && !metrics) problems.push('CHATFLOW_METRICS_ADDRESS: expected host:port (e.g. 127.0.0.1:9464) or a port');
  const allowedOrigins = parseOrigins(raw('CHATFLOW_ALLOWED_ORIGINS'), problems);
  const dnsServers = raw('CHATFLOW_DNS_SERVERS')?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  for (const entry of dnsServers.filter((s) => !isDnsServer(s))) problems.push(`CHATFLOW_DNS_SERVERS: "${entry}" is not ip[:port] (e.g. 10.0.0.2 or 127.0.0.1:5353)`);
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;

  const clerkConfigured = Boolean(e.CLERK_JWT_KEY || e.CLERK_SECRET_KEY);
  const kafkaBrokers = e.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
  const kafka: KafkaSettings | undefined = kafkaBrokers?.length
    ? {
        brokers: kafkaBrokers,
        topic: e.CHATFLOW_KAFKA_TOPIC,
        groupId: e.CHATFLOW_KAFKA_GROUP,
        sessionTimeoutMs: e.CHATFLOW_KAFKA_SESSION_TIMEOUT_MS,
        heartbeatIntervalMs: e.CHATFLOW_KAFKA_HEARTBEAT_MS,
        rebalanceTimeoutMs: e.CHATFLOW_KAFKA_REBALANCE_TIMEOUT_MS,
        partitions: e.CHATFLOW_KAFKA_PARTITIONS,
        replicationFactor: e.CHATFLOW_KAFKA_REPLICATION_FACTOR,
        idempotent: e.CHATFLOW_KAFKA_IDEMPOTENT === 'true',
      }
    : undefined;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.CHATFLOW_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    kafkaBrokers,
    kafka,
    s3: e.S3_ENDPOINT
      ? { ...s3EndpointParts(e.S3_ENDPOINT, e.S3_USE_SSL)!, region: e.S3_REGION, accessKey: e.S3_ACCESS_KEY!, secretKey: e.S3_SECRET_KEY!, bucket: e.S3_BUCKET! }
      : undefined,
    uploadRatePerMinute: e.CHATFLOW_UPLOAD_RATE,
    uploadOrphanSeconds: e.CHATFLOW_UPLOAD_ORPHAN_SECONDS,
    ffmpeg: { ffmpeg: e.CHATFLOW_FFMPEG, ffprobe: e.CHATFLOW_FFPROBE },
    clerk: clerkConfigured
      ? {
          // Keys pasted into env files often carry literal "\n".
          jwtKey: e.CLERK_JWT_KEY?.replace(/\\n/g, '\n'),
          secretKey: e.CLERK_SECRET_KEY,
          authorizedParties: e.CLERK_AUTHORIZED_PARTIES?.split(',').map((p) => p.trim()).filter(Boolean),
          issuer: e.CLERK_ISSUER,
          apiUrl: e.CLERK_API_URL,
          publishable: publishableKey && frontendApi ? { key: publishableKey, frontendApi } : undefined,
        }
      : undefined,
    metricsAddress: metrics ?? undefined,
    admin: { email: e.CHATFLOW_ADMIN_EMAIL, password: e.CHATFLOW_ADMIN_PASSWORD },
    roles,
    secret: e.CHATFLOW_SECRET,
    sessionDays: e.CHATFLOW_SESSION_DAYS,
    messageRate: { perSecond: e.CHATFLOW_MESSAGE_RATE, burst: e.CHATFLOW_MESSAGE_BURST },
    loginAttempts: e.CHATFLOW_LOGIN_ATTEMPTS,
    limits: {
      chatsPerMinute: e.CHATFLOW_CHAT_CREATE_RATE,
      socketEventsPerSecond: e.CHATFLOW_SOCKET_EVENT_RATE,
      socketConcurrency: e.CHATFLOW_SOCKET_CONCURRENCY,
    },
    embeddedDbPort: e.CHATFLOW_EMBEDDED_DB_PORT,
    writerBatch: e.CHATFLOW_WRITER_BATCH,
    presenceTtlSeconds: e.CHATFLOW_PRESENCE_TTL_SECONDS,
    trustProxy: e.CHATFLOW_TRUST_PROXY === 'true',
    shutdownTimeoutMs: e.CHATFLOW_SHUTDOWN_TIMEOUT_MS,
    trustProxyHops: e.CHATFLOW_TRUST_PROXY_HOPS,
    allowedOrigins,
    dnsServers,
    logLevel: e.LOG_LEVEL,
  };
}

function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '****';
    return url.toString();
  } catch {
    return '****';
  }
}

/** The effective configuration as printed at start: every value, secrets masked. */
export function describeConfig(config: Config): Record<string, string> {
  const mask = (key: string, value: string | undefined) =>
    value === undefined ? '(embedded default)' : SECRET_KEYS.has(key) ? '****' : value;
  return {
    PORT: String(config.port),
    CHATFLOW_DATA_DIR: config.dataDir,
    DATABASE_URL: config.databaseUrl ? maskUrl(config.databaseUrl) : `(embedded PostgreSQL in ${config.dataDir}/db)`,
    REDIS_URL: config.redisUrl ? maskUrl(config.redisUrl) : '(in-process)',
    KAFKA_BROKERS: config.kafka ? `${config.kafka.brokers.join(',')} (topic ${config.kafka.topic}, group ${config.kafka.groupId})` : '(in-process log)',
    S3_ENDPOINT: config.s3 ? `${config.s3.useSSL ? 'https' : 'http'}://${config.s3.endPoint}${config.s3.port ? `:${config.s3.port}` : ''}` : `(files in ${config.dataDir}/media)`,
    S3_BUCKET: config.s3 ? `${config.s3.bucket} (region ${config.s3.region})` : '(not used)',
    S3_SECRET_KEY: mask('S3_SECRET_KEY', config.s3?.secretKey),
    CLERK: config.clerk ? `enabled (${config.clerk.jwtKey ? 'PEM key' : 'secret key'})` : '(built-in accounts only)',
    CLERK_PUBLISHABLE_KEY: config.clerk?.publishable ? `${config.clerk.publishable.key} (frontend API ${config.clerk.publishable.frontendApi})` : '(web UI without Clerk sign-in)',
    CHATFLOW_METRICS_ADDRESS: config.metricsAddress ? `${config.metricsAddress.host}:${config.metricsAddress.port}` : '(/metrics on the public port, admins only)',
    CHATFLOW_ADMIN_EMAIL: config.admin.email ?? '(not set)',
    CHATFLOW_ADMIN_PASSWORD: config.admin.password ? '****' : '(not set)',
    CHATFLOW_SECRET: config.secret ? '****' : '(generated, kept in the database)',
    CHATFLOW_ROLES: [...config.roles].join(','),
    CHATFLOW_MESSAGE_RATE: `${config.messageRate.perSecond}/s, burst ${config.messageRate.burst}`,
    CHATFLOW_LIMITS: `sign-in ${config.loginAttempts}/15 min, chats ${config.limits.chatsPerMinute}/min, uploads ${config.uploadRatePerMinute}/min, socket events ${config.limits.socketEventsPerSecond}/s each, ${config.limits.socketConcurrency} at once`,
    CHATFLOW_TRUST_PROXY: config.trustProxy ? `true (${config.trustProxyHops} hop${config.trustProxyHops === 1 ? '' : 's'})` : 'false',
    CHATFLOW_ALLOWED_ORIGINS: config.allowedOrigins.join(',') || '(own origin only)',
    CHATFLOW_DNS_SERVERS: config.dnsServers.join(',') || '(system resolver)',
  };
}
