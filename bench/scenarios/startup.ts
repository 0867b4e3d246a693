import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ChatFlowProcess } from '../lib/chat-flow-process.ts';
import type { BenchContext } from '../lib/context.ts';
import { freshDatabase } from '../lib/environment.ts';
import type { Figure } from '../lib/figures.ts';
import { bareHttpFirstResponse } from '../lib/processes.ts';

/** Spawn to /readyz 200, first on empty storage, then again on what the first start left. */
async function startTwice(name: string, options: { databaseUrl?: string; dataDir: string }): Promise<{ first: number; restart: number }> {
  const first = await ChatFlowProcess.start(`${name} first`, options);
  await first.stop();
  const again = await ChatFlowProcess.start(`${name} restart`, options);
  await again.stop();
  return { first: first.readyMs, restart: again.readyMs };
}

/**
 * Cold start: the start script's process from spawn to /readyz, on a fresh data dir (embedded
 * PostgreSQL) and a fresh database (external PostgreSQL), and a restart of each; against a bare
 * Node http server's time to its first response.
 */
export async function runStartup(context: BenchContext): Promise<void> {
  const bare = [await bareHttpFirstResponse(), await bareHttpFirstResponse(), await bareHttpFirstResponse()].sort((a, b) => a - b)[1]!;
  const database = await freshDatabase('startup');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'chatflow-bench-start-'));
  const embeddedDir = await mkdtemp(path.join(os.tmpdir(), 'chatflow-bench-embedded-'));
  let external: { first: number; restart: number };
  let embedded: { first: number; restart: number };
  try {
    external = await startTwice('external PostgreSQL', { databaseUrl: database.url, dataDir });
    embedded = await startTwice('embedded PostgreSQL', { dataDir: embeddedDir });
  } finally {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(embeddedDir, { recursive: true, force: true });
  }
  context.log(`  startup: external first/restart ${Math.round(external.first)}/${Math.round(external.restart)} ms, embedded ${Math.round(embedded.first)}/${Math.round(embedded.restart)} ms, bare http ${Math.round(bare)} ms`);
  const scenario = 'cold start (spawn to /readyz)';
  const baselineLabel = 'bare Node http, first response';
  const figure = (id: string, label: string, ms: number, target?: Figure['target']): Figure =>
    ({ id, scenario, label, unit: 's', chatFlow: ms / 1000, baseline: bare / 1000, baselineLabel, better: 'lower', ...(target ? { target } : {}) });
  context.figures.push(
    figure('startup.external.first', 'first start, fresh database (PostgreSQL)', external.first),
    figure('startup.external.restart', 'restart (PostgreSQL)', external.restart, { op: '<=', value: 1.5, of: 'value' }),
    figure('startup.embedded.first', 'first start, fresh data dir (embedded PostgreSQL)', embedded.first),
    figure('startup.embedded.restart', 'restart (embedded PostgreSQL)', embedded.restart, { op: '<=', value: 1.5, of: 'value' }),
  );
}
