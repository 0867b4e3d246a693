import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startChatFlow } from '../app/server/chat-flow.ts';
import { loadConfig } from '../app/server/config.ts';
import { createLogger } from '../app/server/logger.ts';
import { startBaselineServer } from './baseline-server.ts';
import { runScenario, type RunResult, type Scenario } from './load-run.ts';
import { runSearchScenario, type SearchResult } from './search-run.ts';

// `npm run bench`: Chat-Flow's message path against bare Socket.IO measured in the same run, so
// the ratios hold on a shared, noisy machine. DATABASE_URL selects an external PostgreSQL;
// otherwise the embedded one is used, as `npm start` does. `npm run bench -- search` runs only search.
const ONLY_SEARCH = process.argv.includes('search');
const SCENARIOS: Scenario[] = [
  { name: 'conversation: 10 people, 1 message in flight each', senders: 10, perSender: 100, window: 1, pauseMs: 20 },
  { name: 'burst: 20 senders, 25 in flight each', senders: 20, perSender: 500, window: 25, pauseMs: 0 },
];

async function main() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'chatflow-bench-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    CHATFLOW_DATA_DIR: dataDir,
    CHATFLOW_ADMIN_EMAIL: 'bench@example.test',
    CHATFLOW_ADMIN_PASSWORD: 'bench-password',
    CHATFLOW_MESSAGE_RATE: '1000000',
    CHATFLOW_MESSAGE_BURST: '1000000',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  });
  const chatFlow = await startChatFlow(config, createLogger(config.logLevel));
  const baseline = await startBaselineServer();
  const url = `http://127.0.0.1:${chatFlow.port}`;
  const post = async (route: string, body: unknown, token?: string) => {
    const response = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { token: string; user: { id: string }; chat: { id: string } };
  };
  try {
    const admin = await post('/api/auth/login', { email: 'bench@example.test', password: 'bench-password' });
    const maxSenders = Math.max(...SCENARIOS.map((s) => s.senders));
    const tokens: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < maxSenders; i++) {
      const email = `bench${i}@example.test`;
      const created = await post('/api/admin/users', { email, name: `Bench ${i}`, password: 'bench-password' }, admin.token);
      ids.push(created.user.id);
      tokens.push((await post('/api/auth/login', { email, password: 'bench-password' })).token);
    }
    const rows: { scenario: string; chatFlow: RunResult; baseline: RunResult }[] = [];
    for (const scenario of ONLY_SEARCH ? [] : SCENARIOS) {
      const group = await post('/api/chats/groups', { name: scenario.name, memberIds: ids.slice(1, scenario.senders) }, tokens[0]);
      const base = await runScenario(baseline.url, Array.from({ length: scenario.senders }, () => undefined), 'room', scenario);
      const measured = await runScenario(url, tokens, group.chat.id, scenario);
      rows.push({ scenario: scenario.name, chatFlow: measured, baseline: base });
    }
    report(rows);
    reportSearch(await runSearchScenario(url, chatFlow.services.knex, tokens, ids));
  } finally {
    await baseline.close();
    await chatFlow.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function report(rows: { scenario: string; chatFlow: RunResult; baseline: RunResult }[]) {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const ratio = (a: number, b: number) => `${(a / Math.max(b, 0.001)).toFixed(2)}x`;
  for (const { scenario, chatFlow: c, baseline: b } of rows) {
    console.log(`\n${scenario} (${c.messages} messages, each delivered to every other member)`);
    console.table({
      'throughput (msg/s)': { 'chat-flow': Math.round(c.perSecond), 'bare socket.io': Math.round(b.perSecond), ratio: ratio(c.perSecond, b.perSecond) },
      'ack p50': { 'chat-flow': ms(c.ackP50), 'bare socket.io': ms(b.ackP50), ratio: ratio(c.ackP50, b.ackP50) },
      'ack p99': { 'chat-flow': ms(c.ackP99), 'bare socket.io': ms(b.ackP99), ratio: ratio(c.ackP99, b.ackP99) },
      'delivery p50': { 'chat-flow': ms(c.deliveryP50), 'bare socket.io': ms(b.deliveryP50), ratio: ratio(c.deliveryP50, b.deliveryP50) },
      'delivery p99': { 'chat-flow': ms(c.deliveryP99), 'bare socket.io': ms(b.deliveryP99), ratio: ratio(c.deliveryP99, b.deliveryP99) },
    });
  }
  console.log('\nRatios are Chat-Flow / bare Socket.IO from this run: durable, ordered delivery costs that much over a plain relay.');
}

function reportSearch(result: SearchResult) {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(`\nsearch: 10,000 messages over 50 chats, ${result.searches} searches (words, phrase, exclusion, prefix, in one chat)`);
  console.table({
    'search p50': { 'GET /api/search': ms(result.apiP50), 'same SQL via pg': ms(result.sqlP50), ratio: `${(result.apiP50 / Math.max(result.sqlP50, 0.001)).toFixed(2)}x` },
    'search p99': { 'GET /api/search': ms(result.apiP99), 'same SQL via pg': ms(result.sqlP99), ratio: `${(result.apiP99 / Math.max(result.sqlP99, 0.001)).toFixed(2)}x` },
  });
}

await main();
