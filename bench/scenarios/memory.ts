import { ChatFlowProcess, UI_FEATURES, collectGarbage, rssKiB } from '../lib/chat-flow-process.ts';
import type { BenchContext } from '../lib/context.ts';
import { freshDatabase } from '../lib/environment.ts';
import { FULL } from '../lib/options.ts';
import { RelayProcess } from '../lib/processes.ts';
import { login, seedPeople } from '../lib/seed.ts';
import { sleep } from '../lib/stats.ts';
import { WorkerPool } from '../lib/worker-pool.ts';
import type { SocketSpec } from '../workers/protocol.ts';

const PEOPLE = 250;

interface Footprint {
  marginalKiB: number;
  afterGcKiB: number;
}

/**
 * RSS of `pid` per socket, between half the sockets open and all of them (after a full GC): what
 * start-up, pools and first connections cost is in both readings, so only the sockets' share remains.
 */
async function footprint(pid: number, specs: SocketSpec[], workers: number): Promise<Footprint> {
  // A few sockets first warm the server up (code paths compiled, pools opened) without leaving
  // much collected-but-kept heap behind for the rest to reuse, which would hide their cost.
  const warm = Math.min(50, Math.floor(specs.length / 20));
  const pool = WorkerPool.start(workers);
  try {
    await pool.connect(specs.slice(0, warm));
    await sleep(1000);
    await collectGarbage(pid);
    const before = rssKiB(pid);
    await pool.connect(specs.slice(warm));
    await sleep(2000);
    const open = rssKiB(pid);
    await collectGarbage(pid);
    const collected = rssKiB(pid);
    const added = specs.length - warm;
    return { marginalKiB: (open - before) / added, afterGcKiB: (collected - before) / added };
  } finally {
    await pool.close();
  }
}

/**
 * Memory: RSS per idle authenticated socket (each person signed in on several devices), read from
 * /proc/<pid>/status, against a bare Socket.IO server holding the same number of sockets.
 */
export async function runMemory(context: BenchContext): Promise<void> {
  const n = context.options.idleSockets;
  const size = n < FULL.idleSockets ? `${n} sockets (full size ${FULL.idleSockets})` : `${n} sockets`;
  context.log(`memory: ${size}`);
  const database = await freshDatabase('memory');
  const server = await ChatFlowProcess.start('memory', { databaseUrl: database.url });
  let cf: Footprint;
  try {
    const seeded = await seedPeople(database.url, PEOPLE, 5, 'idle');
    const tokens = await login(server.url, seeded.emails);
    cf = await footprint(server.pid, Array.from({ length: n }, (_, i) => ({ index: i, url: server.url, auth: { token: tokens[i % PEOPLE]!, features: UI_FEATURES }, chatId: seeded.chatIds[Math.floor((i % PEOPLE) / 5)]!, reads: false })), context.options.workers);
  } finally {
    await server.close();
    await database.drop();
  }
  const relay = await RelayProcess.start();
  let base: Footprint;
  try {
    base = await footprint(relay.pid, Array.from({ length: n }, (_, i) => ({ index: i, url: relay.url, auth: { chatId: `room-${Math.floor((i % PEOPLE) / 5)}`, userId: String(i % PEOPLE) }, chatId: `room-${Math.floor((i % PEOPLE) / 5)}`, reads: false })), context.options.workers);
  } finally {
    await relay.stop();
  }
  context.log(`  per socket: Chat-Flow ${cf.marginalKiB.toFixed(1)} KiB (after GC ${cf.afterGcKiB.toFixed(1)}); bare Socket.IO ${base.marginalKiB.toFixed(1)} KiB (after GC ${base.afterGcKiB.toFixed(1)})`);
  const scenario = 'memory (idle authenticated sockets)';
  context.figures.push(
    { id: 'memory.marginal', scenario, label: 'RSS per idle socket, marginal', unit: 'KiB', chatFlow: cf.marginalKiB, baseline: base.marginalKiB, baselineLabel: 'bare Socket.IO server', better: 'lower', note: size },
    { id: 'memory.after-gc', scenario, label: 'RSS per idle socket, after GC', unit: 'KiB', chatFlow: cf.afterGcKiB, baseline: base.afterGcKiB, baselineLabel: 'bare Socket.IO server', better: 'lower', target: { op: '<=', value: 1.3, of: 'ratio' } },
  );
}
