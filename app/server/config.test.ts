import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from './config.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const rsaPublicPem = (modulusLength = 2048) =>
  generateKeyPairSync('rsa', { modulusLength }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** The problems loadConfig reports for an environment (it must refuse it). */
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** The variables Chat-Flow reads, stripped from an inherited environment. */
const isChatFlowVariable = (name: string) =>
  /^(PORT|HOST|LOG_LEVEL|DATABASE_URL|REDIS_URL|KAFKA_.*|S3_.*|CLERK_.*|CHATFLOW_.*)$/.test(name);

describe('loadConfig defaults', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.kafkaBrokers).toBeUndefined();
    expect(config.s3).toBeUndefined();
    expect(config.clerk).toBeUndefined();
    expect(config.secret).toBeUndefined();
    expect(config.admin).toEqual({ email: undefined, password: undefined });
    expect([...config.roles].sort()).toEqual(['persist', 'realtime', 'web']);
    expect(config.limits).toEqual({ chatsPerMinute: 30, socketEventsPerSecond: 20, socketConcurrency: 8 });
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', REDIS_URL: '  ', S3_ENDPOINT: '', CLERK_JWT_KEY: '', CHATFLOW_ADMIN_PASSWORD: '' });
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.s3).toBeUndefined();
    expect(config.clerk).toBeUndefined();
    expect(config.admin.password).toBeUndefined();
  });

  it('reads every given value', () => {
    const pem = rsaPublicPem();
    const config = loadConfig({
      PORT: '8080',
      CHATFLOW_DATA_DIR: '/var/lib/chatflow',
      DATABASE_URL: 'postgresql://chat:pw@db:5432/chat',
      REDIS_URL: 'redis://cache:6379',
      KAFKA_BROKERS: 'k1:9092, k2:9092,',
      S3_ENDPOINT: 'http://minio:9000',
      S3_ACCESS_KEY: 'access',
      S3_SECRET_KEY: 'secret-key',
      S3_BUCKET: 'media',
      CLERK_JWT_KEY: pem,
      CLERK_AUTHORIZED_PARTIES: 'https://a.example, https://b.example',
      CHATFLOW_ROLES: 'web, persist',
    });
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('/var/lib/chatflow');
    expect(config.databaseUrl).toBe('postgresql://chat:pw@db:5432/chat');
    expect(config.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.s3).toEqual({ endPoint: 'minio', port: 9000, useSSL: false, region: 'us-east-1', accessKey: 'access', secretKey: 'secret-key', bucket: 'media' });
    expect(config.clerk?.jwtKey).toBe(pem.trim());
    expect(config.clerk?.authorizedParties).toEqual(['https://a.example', 'https://b.example']);
    expect([...config.roles].sort()).toEqual(['persist', 'web']);
  });

  it('unescapes a Clerk PEM stored with literal \\n', () => {
    const pem = rsaPublicPem().trim();
    const config = loadConfig({ CLERK_JWT_KEY: pem.replace(/\n/g, '\\n') });
    expect(config.clerk?.jwtKey).toBe(pem);
  });
});

describe('loadConfig for Clerk sign-in in the web UI and the metrics listener', () => {
  const keyFor = (text: string, kind = 'test') => `pk_${kind}_${Buffer.from(text).toString('base64')}`;

  it('refuses a publishable key that is not pk_test_/pk_live_ and a base64 host ending in $', () => {
    const pem = rsaPublicPem();
    for (const key of ['sk_test_abc', 'pk_test_', 'pk_dev_' + Buffer.from('clerk.example.test$').toString('base64'), keyFor('clerk.example.test'), keyFor('not a host$'), keyFor('$'), 'pk_test_!!!']) {
      expect(problemsOf({ CLERK_JWT_KEY: pem, CLERK_PUBLISHABLE_KEY: key }), key).toEqual([expect.stringMatching(/^CLERK_PUBLISHABLE_KEY: expected pk_test_ or pk_live_/)]);
    }
  });

  it('needs a key that verifies the tokens the UI will send', () => {
    expect(problemsOf({ CLERK_PUBLISHABLE_KEY: keyFor('clerk.example.test$') })).toEqual([expect.stringMatching(/^CLERK_PUBLISHABLE_KEY: needs CLERK_JWT_KEY or CLERK_SECRET_KEY/)]);
  });

  it('derives the frontend API host from the key', () => {
    const pem = rsaPublicPem();
    const live = loadConfig({ CLERK_JWT_KEY: pem, CLERK_PUBLISHABLE_KEY: keyFor('clerk.chat.example.com$', 'live') });
    expect(live.clerk?.publishable).toEqual({ key: keyFor('clerk.chat.example.com$', 'live'), frontendApi: 'clerk.chat.example.com' });
    const dev = loadConfig({ CLERK_SECRET_KEY: 'sk_test_x', CLERK_PUBLISHABLE_KEY: keyFor('happy-otter-12.clerk.accounts.dev$') });
    expect(dev.clerk?.publishable?.frontendApi).toBe('happy-otter-12.clerk.accounts.dev');
    expect(loadConfig({ CLERK_JWT_KEY: pem }).clerk?.publishable).toBeUndefined();
    expect(describeConfig(live).CLERK_PUBLISHABLE_KEY).toContain('clerk.chat.example.com');
  });

  it('reads CHATFLOW_METRICS_ADDRESS as host:port or a port (on 127.0.0.1)', () => {
    expect(loadConfig({}).metricsAddress).toBeUndefined();
    expect(loadConfig({ CHATFLOW_METRICS_ADDRESS: '127.0.0.1:9464' }).metricsAddress).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ CHATFLOW_METRICS_ADDRESS: '9464' }).metricsAddress).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ CHATFLOW_METRICS_ADDRESS: '0.0.0.0:9100' }).metricsAddress).toEqual({ host: '0.0.0.0', port: 9100 });
    expect(loadConfig({ CHATFLOW_METRICS_ADDRESS: '[::1]:9100' }).metricsAddress).toEqual({ host: '::1', port: 9100 });
    for (const bad of ['localhost', ':', '127.0.0.1:0', '127.0.0.1:70000', 'http://127.0.0.1:9464']) {
      expect(problemsOf({ CHATFLOW_METRICS_ADDRESS: bad }), bad).toEqual([expect.stringMatching(/^CHATFLOW_METRICS_ADDRESS: expected host:port/)]);
    }
  });
});

describe('loadConfig for media', () => {
  const s3 = { S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b', S3_BUCKET: 'media' };

  it('reads an S3 endpoint as host:port (TLS unless S3_USE_SSL=false) or as a URL', () => {
    expect(loadConfig({ ...s3, S3_ENDPOINT: 'minio:9000' }).s3).toMatchObject({ endPoint: 'minio', port: 9000, useSSL: true, region: 'us-east-1' });
    expect(loadConfig({ ...s3, S3_ENDPOINT: 'minio:9000', S3_USE_SSL: 'false' }).s3).toMatchObject({ endPoint: 'minio', port: 9000, useSSL: false });
    expect(loadConfig({ ...s3, S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com', S3_REGION: 'eu-west-1' }).s3).toMatchObject({
      endPoint: 's3.eu-west-1.amazonaws.com',
      port: undefined,
      useSSL: true,
      region: 'eu-west-1',
    });
  });

  it('defaults the upload rate, the orphan time and the ffmpeg commands', () => {
    const config = loadConfig({});
    expect(config.uploadRatePerMinute).toBe(30);
    expect(config.uploadOrphanSeconds).toBe(86_400);
    expect(config.ffmpeg).toEqual({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });
  });
});

describe('loadConfig refuses bad values with one problem naming the variable', () => {
  const cases: [string, NodeJS.ProcessEnv][] = [
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['REDIS_URL', { REDIS_URL: 'http://cache:6379' }],
    ['CHATFLOW_ROLES', { CHATFLOW_ROLES: 'web,bogus' }],
    ['CHATFLOW_ROLES', { CHATFLOW_ROLES: ' , ' }],
    ['CHATFLOW_ROLES', { CHATFLOW_ROLES: 'bogus' }],
    ['S3_ENDPOINT', { S3_ENDPOINT: 'http://minio:9000' }],
    ['S3_ENDPOINT', { S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b' }],
    ['S3_ENDPOINT', { S3_SECRET_KEY: 'only-the-secret' }],
    ['S3_ENDPOINT', { S3_ENDPOINT: 'ftp://minio', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b', S3_BUCKET: 'media' }],
    ['S3_BUCKET', { S3_ENDPOINT: 'minio:9000', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b', S3_BUCKET: 'No_Such' }],
    ['S3_USE_SSL', { S3_USE_SSL: 'yes' }],
    ['CHATFLOW_UPLOAD_ORPHAN_SECONDS', { CHATFLOW_UPLOAD_ORPHAN_SECONDS: '0' }],
    ['CLERK_JWT_KEY', { CLERK_JWT_KEY: 'not-a-pem' }],
    ['CLERK_JWT_KEY', { CLERK_JWT_KEY: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }],
    ['CHATFLOW_ADMIN_PASSWORD', { CHATFLOW_ADMIN_PASSWORD: 'short' }],
    ['CHATFLOW_ADMIN_EMAIL', { CHATFLOW_ADMIN_EMAIL: 'not-an-email' }],
    ['CHATFLOW_SECRET', { CHATFLOW_SECRET: 'too-short' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['CHATFLOW_CHAT_CREATE_RATE', { CHATFLOW_CHAT_CREATE_RATE: '0' }],
    ['CHATFLOW_UPLOAD_RATE', { CHATFLOW_UPLOAD_RATE: 'many' }],
    ['CHATFLOW_SOCKET_EVENT_RATE', { CHATFLOW_SOCKET_EVENT_RATE: '-5' }],
    ['CHATFLOW_SOCKET_CONCURRENCY', { CHATFLOW_SOCKET_CONCURRENCY: '2.5' }],
  ];

  it.each(cases)('%s in %j', (variable, env) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.startsWith(`${variable}: `)).toBe(true);
    expect(problems[0]!.length).toBeGreaterThan(`${variable}: `.length + 5);
  });

  it('refuses an RSA key that is not 2048 bits, which Clerk\'s networkless check cannot use', () => {
    const problems = problemsOf({ CLERK_JWT_KEY: rsaPublicPem(1024) });
    expect(problems).toEqual([expect.stringMatching(/^CLERK_JWT_KEY: .*RSA-2048/)]);
  });

  it('takes CHATFLOW_ALLOWED_ORIGINS as bare origins only, and the proxy hops as a positive count', () => {
    const config = loadConfig({ CHATFLOW_ALLOWED_ORIGINS: 'https://Chat.Example.com, http://localhost:5173', CHATFLOW_TRUST_PROXY: 'true', CHATFLOW_TRUST_PROXY_HOPS: '2' });
    expect(config.allowedOrigins).toEqual(['https://chat.example.com', 'http://localhost:5173']);
    expect(config).toMatchObject({ trustProxy: true, trustProxyHops: 2 });
    expect(loadConfig({}).trustProxyHops).toBe(1);
    for (const bad of ['chat.example.com', 'https://chat.example.com/', 'https://chat.example.com/app', 'ftp://files.example.com', 'null', '*']) {
      expect(problemsOf({ CHATFLOW_ALLOWED_ORIGINS: bad }), bad).toEqual([expect.stringMatching(/^CHATFLOW_ALLOWED_ORIGINS: .* is not an origin/)]);
    }
    expect(problemsOf({ CHATFLOW_TRUST_PROXY_HOPS: '0' })[0]).toMatch(/^CHATFLOW_TRUST_PROXY_HOPS: /);
  });

  it('takes CHATFLOW_DNS_SERVERS as ip[:port] entries for link previews', () => {
    expect(loadConfig({}).dnsServers).toEqual([]);
    expect(loadConfig({ CHATFLOW_DNS_SERVERS: '10.0.0.2, 127.0.0.1:5353,[::1]:53,::1' }).dnsServers).toEqual(['10.0.0.2', '127.0.0.1:5353', '[::1]:53', '::1']);
    for (const bad of ['dns.example.com', '10.0.0.2:0', '10.0.0.2:99999', '[10.0.0.2]:53', '::1:53x', '1.2.3']) {
      expect(problemsOf({ CHATFLOW_DNS_SERVERS: bad }), bad).toEqual([expect.stringMatching(/^CHATFLOW_DNS_SERVERS: .* is not ip\[:port\]/)]);
    }
  });

  it('says what a port must be', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual(['PORT: expected a port number from 0 to 65535']);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ PORT: 'abc', DATABASE_URL: 'mysql://x', CHATFLOW_ROLES: 'bogus', S3_BUCKET: 'media' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['CHATFLOW_ROLES', 'DATABASE_URL', 'PORT', 'S3_ENDPOINT']);
  });
});

describe('describeConfig', () => {
  it('masks every secret and shows the rest', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://chat:db-pass-123@db.internal:5432/chat',
      REDIS_URL: 'redis://:redis-pass-456@cache:6379',
      S3_ENDPOINT: 'http://minio:9000',
      S3_ACCESS_KEY: 'access-id',
      S3_SECRET_KEY: 's3-secret-789',
      S3_BUCKET: 'media',
      CLERK_SECRET_KEY: 'sk_test_clerk-secret',
      CHATFLOW_ADMIN_EMAIL: 'root@example.test',
      CHATFLOW_ADMIN_PASSWORD: 'admin-pass-000',
      CHATFLOW_SECRET: 'installation-secret-that-is-long-enough-xyz',
    });
    const described = describeConfig(config);
    const text = JSON.stringify(described);
    for (const secret of ['db-pass-123', 'redis-pass-456', 's3-secret-789', 'sk_test_clerk-secret', 'admin-pass-000', 'installation-secret']) {
      expect(text).not.toContain(secret);
    }
    expect(described.DATABASE_URL).toBe('postgres://chat:****@db.internal:5432/chat');
    expect(described.REDIS_URL).toContain('cache:6379');
    expect(described.S3_SECRET_KEY).toBe('****');
    expect(described.CHATFLOW_SECRET).toBe('****');
    expect(described.CHATFLOW_ADMIN_PASSWORD).toBe('****');
    expect(described.S3_ENDPOINT).toBe('http://minio:9000');
    expect(described.CHATFLOW_ADMIN_EMAIL).toBe('root@example.test');
  });

  it('names the embedded defaults when nothing is configured', () => {
    const described = describeConfig(loadConfig({}));
    expect(described.PORT).toBe('3000');
    expect(described.DATABASE_URL).toContain('embedded PostgreSQL');
    expect(described.CHATFLOW_SECRET).toContain('generated');
  });
});

describe('the real entry point', () => {
  it('exits 1 with a single stderr line naming PORT when PORT is not a number', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !isChatFlowVariable(name)));
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/server/main.ts'], {
      cwd: repoRoot,
      env: { ...env, PORT: 'abc' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`main.ts did not exit within 30 s; stderr: ${stderr}`));
      }, 30_000);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code).toBe(1);
    const lines = stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe('Configuration error: PORT: expected a port number from 0 to 65535');
    // Nothing started: no log lines, no database.
    expect(stdout).toBe('');
  }, 40_000);
});
