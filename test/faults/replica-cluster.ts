import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { inject } from 'vitest';
import { Api } from '../support/api.ts';
import { freePort } from '../support/free-port.ts';
import { kafkaTestEnv } from '../support/kafka-env.ts';
import { ReplicaProcess } from '../support/replica-process.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { TEST_SECRET } from '../support/test-server.ts';

export const ADMIN = { email: 'admin@faults.test', password: 'admin-password-1' };
export const PRESENCE_TTL_SECONDS = 3;

/** A Redis server of the suite's own, so a test can kill it and start it again on the same port. */
export class OwnRedis {
  private child: ChildProcess | undefined;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(this.port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: 1 });
    probe.on('error', () => undefined);
    const deadline = Date.now() + 20_000;
    for (;;) {
      if ((await probe.ping().catch(() => null)) === 'PONG') break;
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    probe.disconnect();
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

/**
 * Three Chat-Flow processes sharing one PostgreSQL (behind a cuttable proxy), one Redis of the
 * suite's own and the suite's Kafka, as an organisation runs them behind a load balancer.
 */
export class ReplicaCluster {
  readonly replicas: ReplicaProcess[] = [];
  private databaseName = `chatflow_faults_${randomBytes(5).toString('hex')}`;
  private adminUrl = inject('adminDatabaseUrl');
  proxy!: TcpProxy;
  redis!: OwnRedis;
  adminToken = '';

  async start(count = 3): Promise<void> {
    await this.adminQuery(`CREATE DATABASE ${this.databaseName}`);
    const target = new URL(this.adminUrl);
    this.proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const proxyPort = await this.proxy.listen();
    const databaseUrl = new URL(this.adminUrl);
    databaseUrl.host = `127.0.0.1:${proxyPort}`;
    databaseUrl.pathname = `/${this.databaseName}`;
    this.redis = new OwnRedis(await freePort());
    await this.redis.start();
    const env = {
      ...kafkaTestEnv(),
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: this.redis.url,
      CHATFLOW_SECRET: TEST_SECRET,
      CHATFLOW_ADMIN_EMAIL: ADMIN.email,
      CHATFLOW_ADMIN_PASSWORD: ADMIN.password,
      CHATFLOW_MESSAGE_RATE: '100000',
      CHATFLOW_MESSAGE_BURST: '100000',
      CHATFLOW_LOGIN_ATTEMPTS: '100000',
      CHATFLOW_PRESENCE_TTL_SECONDS: String(PRESENCE_TTL_SECONDS),
      CHATFLOW_SHUTDOWN_TIMEOUT_MS: '10000',
      CHATFLOW_DATA_DIR: `/tmp/${this.databaseName}`,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    };
    for (let i = 0; i < count; i++) this.replicas.push(new ReplicaProcess(`r${i}`, await freePort(), env));
    // One at a time: they would race for the migrations lock anyway, and two cores start them no faster.
    for (const replica of this.replicas) await replica.start();
    const login = await new Api(this.replicas[0]!.url).post('/api/auth/login', ADMIN);
    this.adminToken = (login.body as { token: string }).token;
  }

  /** URLs of the replicas as a load balancer sees them: only those running. */
  urls = (): string[] => {
    const up = this.replicas.filter((r) => r.running).map((r) => r.url);
    return up.length ? up : this.replicas.map((r) => r.url);
  };

  api(token?: string, replica = 0): Api {
    return new Api(this.replicas[replica]!.url, token);
  }

  /** Creates people through the admin API and signs each in; returns their ids and tokens. */
  async createUsers(count: number, prefix: string): Promise<{ id: string; token: string; name: string }[]> {
    const users: { id: string; token: string; name: string }[] = [];
    for (let i = 0; i < count; i++) {
      const email = `${prefix}${i}.${randomBytes(3).toString('hex')}@faults.test`;
      const name = `${prefix} ${i}`;
      const created = await this.api(this.adminToken, i % this.replicas.length).post('/api/admin/users', { email, name, password: 'password-1234' });
      if (created.status !== 201) throw new Error(`user creation failed: ${created.status} ${JSON.stringify(created.body)}`);
      const login = await this.api(undefined, i % this.replicas.length).post('/api/auth/login', { email, password: 'password-1234' });
      users.push({ id: (created.body as { user: { id: string } }).user.id, token: (login.body as { token: string }).token, name });
    }
    return users;
  }

  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const url = new URL(this.adminUrl);
    url.pathname = `/${this.databaseName}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.stop('SIGKILL')));
    await this.redis?.kill();
    await this.proxy?.close();
    await this.adminQuery(`DROP DATABASE IF EXISTS ${this.databaseName} WITH (FORCE)`).catch(() => undefined);
  }

  private async adminQuery(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
