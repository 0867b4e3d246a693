import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { startChatFlow, type RunningChatFlow } from '../../app/server/chat-flow.ts';
import { loadConfig } from '../../app/server/config.ts';
import { createLogger } from '../../app/server/logger.ts';
import { Api } from './api.ts';

export interface TestUser {
  user: { id: string; email: string; name: string; role: string };
  token: string;
  password: string;
}

export interface TestServer {
  url: string;
  running: RunningChatFlow;
  admin: TestUser;
  /** Creates an account through the admin API and signs it in. */
  createUser(input?: { name?: string; email?: string; password?: string; role?: 'user' | 'admin' }): Promise<TestUser>;
  api(token?: string): Api;
  close(): Promise<void>;
}

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';
const ADMIN_EMAIL = 'admin@example.test';
const ADMIN_PASSWORD = 'admin-password-1';

/** Which database the suite runs against: CHATFLOW_TEST_DB=postgres (default) or embedded. */
export const testDatabaseMode = (process.env.CHATFLOW_TEST_DB ?? 'postgres') as 'postgres' | 'embedded';

async function withAdminClient<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database for one server: its own PostgreSQL database, or its own embedded cluster. */
async function freshDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (testDatabaseMode === 'embedded') {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'chatflow-test-'));
    return { env: { CHATFLOW_DATA_DIR: dataDir }, drop: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const adminUrl = inject('adminDatabaseUrl');
  const name = `chatflow_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), CHATFLOW_DATA_DIR: path.join(os.tmpdir(), name) },
    drop: () => withAdminClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

let userCounter = 0;

export interface TestServerOptions {
  /** Extra configuration, over the test defaults. */
  env?: Record<string, string>;
  /** Join this existing database (another replica) instead of creating one. */
  databaseUrl?: string;
}

/** Starts a whole Chat-Flow in this process on a free port, with its own database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  // With databaseUrl the server joins an existing database (another replica); it does not drop it.
  const database = options.databaseUrl
    ? { env: { DATABASE_URL: options.databaseUrl }, drop: async () => undefined }
    : await freshDatabase();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    CHATFLOW_SECRET: TEST_SECRET,
    CHATFLOW_ADMIN_EMAIL: ADMIN_EMAIL,
    CHATFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // Load tests send far faster than a person; the limiter has its own test.
    CHATFLOW_MESSAGE_RATE: '100000',
    CHATFLOW_MESSAGE_BURST: '100000',
    CHATFLOW_LOGIN_ATTEMPTS: '1000',
    CHATFLOW_CHAT_CREATE_RATE: '100000',
    CHATFLOW_UPLOAD_RATE: '100000',
    CHATFLOW_SOCKET_EVENT_RATE: '100000',
    CHATFLOW_SOCKET_CONCURRENCY: '1000',
    ...database.env,
    ...options.env,
  });
  const running = await startChatFlow(config, createLogger(config.logLevel));
  const url = `http://127.0.0.1:${running.port}`;
  const login = async (email: string, password: string) => {
    const response = await new Api(url).post('/api/auth/login', { email, password });
    if (response.status !== 200) throw new Error(`login failed for ${email}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { token: string; user: TestUser['user'] };
  };
  const adminLogin = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const admin: TestUser = { ...adminLogin, password: ADMIN_PASSWORD };

  return {
    url,
    running,
    admin,
    api: (token?: string) => new Api(url, token),
    async createUser(input = {}) {
      userCounter += 1;
      const name = input.name ?? `User ${userCounter}`;
      const email = input.email ?? `user${userCounter}.${randomBytes(3).toString('hex')}@example.test`;
      const password = input.password ?? `password-${userCounter}-x`;
      const created = await new Api(url, admin.token).post('/api/admin/users', { email, name, password, role: input.role });
      if (created.status !== 201) throw new Error(`user creation failed: ${created.status} ${JSON.stringify(created.body)}`);
      const session = await login(email, password);
      return { ...session, password };
    },
    async close() {
      await running.close();
      await database.drop();
    },
  };
}
