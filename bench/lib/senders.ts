import { ChatFlowProcess, UI_FEATURES, type ChatFlowOptions } from './chat-flow-process.ts';
import { freshDatabase, type FreshDatabase } from './environment.ts';
import { login, seedPeople, type Seeded } from './seed.ts';
import { WorkerPool } from './worker-pool.ts';

export interface SenderSetup {
  database: FreshDatabase;
  server: ChatFlowProcess;
  seeded: Seeded;
  pool: WorkerPool;
  close(): Promise<void>;
}

/**
 * A fresh database, one Chat-Flow process on it, `people` people in groups of 5 and one open
 * socket per person in the load generators: what the ack, throughput and persistence runs send from.
 */
export async function senderSetup(purpose: string, people: number, workers: number, options: Omit<ChatFlowOptions, 'databaseUrl'> = {}): Promise<SenderSetup> {
  const database = await freshDatabase(purpose);
  let server: ChatFlowProcess | undefined;
  let pool: WorkerPool | undefined;
  try {
    server = await ChatFlowProcess.start(purpose, { ...options, databaseUrl: database.url });
    const seeded = await seedPeople(database.url, people, 5);
    const tokens = await login(server.url, seeded.emails);
    pool = WorkerPool.start(workers);
    const url = server.url;
    await pool.connect(tokens.map((token, p) => ({ index: p, url, auth: { token, features: UI_FEATURES }, chatId: seeded.chatIds[Math.floor(p / 5)]!, reads: false })));
    const [s, w] = [server, pool];
    return {
      database, server, seeded, pool,
      close: async () => {
        await w.close();
        await s.close();
        await database.drop();
      },
    };
  } catch (error) {
    await pool?.close();
    await server?.close();
    await database.drop();
    throw error;
  }
}
