import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { latencyChart } from './lib/chart.ts';
import { repoRoot } from './lib/chat-flow-process.ts';
import type { BenchContext, Curve } from './lib/context.ts';
import { describeMachine, stopKafka, type Machine } from './lib/environment.ts';
import { compareFigures, markdownTable, movementTable, tableRows, textTable, type Figure } from './lib/figures.ts';
import { parseOptions, selected, type BenchOptions } from './lib/options.ts';
import { senderSetup } from './lib/senders.ts';
import { runAcks, SENDERS } from './scenarios/acks.ts';
import { runFanout } from './scenarios/fanout.ts';
import { runHistory } from './scenarios/history.ts';
import { runMemory } from './scenarios/memory.ts';
import { runPersistence } from './scenarios/persistence.ts';
import { runStartup } from './scenarios/startup.ts';

// `npm run bench`: Chat-Flow against baselines measured in the same run (a bare Socket.IO relay,
// the same SQL through pg, a bare kafkajs sink, a bare http server), so the ratios hold on a shared,
// noisy machine. Flags: see docs/benchmarks.md. `npm run bench -- --compare A.json B.json` diffs two runs.

export interface BenchResult {
  date: string;
  durationSeconds: number;
  machine: Machine;
  /** 1-minute load averages when the run started and ended: how busy the shared machine was. */
  loadAverage?: { start: number; end: number };
  options: BenchOptions;
  figures: Figure[];
  curves: Curve[];
  errors: { scenario: string; message: string }[];
}

async function compare(files: [string, string], tolerance: number): Promise<number> {
  const [a, b] = await Promise.all(files.map(async (file) => JSON.parse(await readFile(file, 'utf8')) as BenchResult));
  const movements = compareFigures(a!.figures, b!.figures, tolerance);
  console.log(`ratios of ${files[0]} (before) and ${files[1]} (after); moves under ${Math.round(tolerance * 100)}% count as the same\n`);
  console.log(movementTable(movements));
  const worse = movements.filter((m) => m.verdict === 'worse');
  console.log(worse.length === 0 ? '\nno ratio moved the wrong way' : `\n${worse.length} ratio(s) moved the wrong way: ${worse.map((m) => m.id).join(', ')}`);
  return worse.length === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.compare) return compare(options.compare, options.tolerance);
  if (options.profile) process.env.BENCH_CPU_PROFILE_DIR = path.resolve(options.profile);

  const started = performance.now();
  const loadAtStart = os.loadavg()[0]!;
  const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  const context: BenchContext = { options, figures: [], curves: [], log };
  const machine = await describeMachine();
  log(`machine: ${machine.cpus} cpus, ${machine.memoryGiB} GiB, node ${machine.node}, PostgreSQL ${machine.postgres}`);
  const errors: BenchResult['errors'] = [];
  const scenario = async (name: string, run: () => Promise<void>) => {
    const at = performance.now();
    try {
      await run();
    } catch (error) {
      // One failed scenario is reported, and the others still run.
      const message = error instanceof Error ? error.message : String(error);
      errors.push({ scenario: name, message });
      log(`${name} FAILED: ${message}`);
    }
    log(`${name} took ${((performance.now() - at) / 1000).toFixed(0)} s`);
  };
  try {
    if (selected(options, 'fanout')) await scenario('fanout', () => runFanout(context));
    const ack = selected(options, 'ack');
    const throughput = selected(options, 'throughput');
    const persistence = selected(options, 'persistence');
    if (ack || throughput || persistence) {
      // One Chat-Flow process with 20 signed-in senders serves the ack, throughput and in-process log runs.
      await scenario('ack/throughput/persistence', async () => {
        const single = await senderSetup('single', SENDERS, options.workers);
        try {
          if (ack || throughput) await runAcks(context, single, { ack, throughput });
          if (persistence) await runPersistence(context, single);
        } finally {
          await single.close();
        }
      });
    }
    if (selected(options, 'history') || selected(options, 'search')) {
      await scenario('history/search', () => runHistory(context, { history: selected(options, 'history'), search: selected(options, 'search') }));
    }
    if (selected(options, 'memory')) await scenario('memory', () => runMemory(context));
    if (selected(options, 'startup')) await scenario('startup', () => runStartup(context));
  } finally {
    await stopKafka();
  }

  const date = new Date().toISOString().slice(0, 10);
  const result: BenchResult = { date, durationSeconds: Math.round((performance.now() - started) / 1000), machine,
    loadAverage: { start: loadAtStart, end: os.loadavg()[0]! }, options, figures: context.figures, curves: context.curves, errors };
  const rows = tableRows(context.figures);
  console.log(`\n${textTable(rows)}\n`);
  for (const error of errors) console.log(`FAILED ${error.scenario}: ${error.message}`);
  const base = options.out ?? path.join(repoRoot, 'bench', 'results', date);
  await mkdir(path.dirname(base), { recursive: true });
  await writeFile(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(`${base}.md`, `${markdownTable(rows)}\n`);
  if (context.curves.length > 0) await writeFile(`${base}.svg`, `${latencyChart(context.curves, `Fan-out: delivery p99 against offered rate (${date})`)}\n`);
  console.log(`load average ${loadAtStart.toFixed(1)} at the start, ${result.loadAverage!.end.toFixed(1)} at the end (${machine.cpus} cpus)`);
  console.log(`total ${result.durationSeconds} s; wrote ${base}.json, .md${context.curves.length > 0 ? ', .svg' : ''}`);
  return errors.length === 0 ? 0 : 1;
}

process.exitCode = await main();
