import { randomBytes } from 'node:crypto';
import { ChatFlowProcess, UI_FEATURES } from '../lib/chat-flow-process.ts';
import type { BenchContext, Curve, CurvePoint } from '../lib/context.ts';
import { freshDatabase, kafka, REDIS_URL } from '../lib/environment.ts';
import type { Figure } from '../lib/figures.ts';
import { FULL } from '../lib/options.ts';
import { RelayProcess } from '../lib/processes.ts';
import { login, seedPeople } from '../lib/seed.ts';
import { spread } from '../lib/stats.ts';
import { WorkerPool } from '../lib/worker-pool.ts';
import type { SocketSpec } from '../workers/protocol.ts';

const DEVICES = 4;
const GROUP = 5;
const KNEE_P99_MS = 100;
const KNEE_DELIVERED = 0.95;
const DRAIN_MS = 1000;
/** Past these a target is saturated: higher rates would only take time. */
const GIVE_UP = { delivered: 0.8, p99Ms: 2000 };

interface Shape {
  people: number;
  chatIds: string[];
  /** Token per person (Chat-Flow) or undefined (the relay needs none). */
  tokens: (string | undefined)[];
}

function specs(shape: Shape, urls: string[]): SocketSpec[] {
  const out: SocketSpec[] = [];
  for (let p = 0; p < shape.people; p++) {
    for (let d = 0; d < DEVICES; d++) {
      const chatId = shape.chatIds[Math.floor(p / GROUP)]!;
      const token = shape.tokens[p];
      out.push({
        index: p * DEVICES + d,
        // A person's devices are spread over the replicas, as a load balancer would.
        url: urls[(p + d) % urls.length]!,
        auth: token ? { token, features: UI_FEATURES } : { chatId, userId: String(p) },
        chatId,
        reads: d === 0,
      });
    }
  }
  return out;
}

interface Target {
  name: string;
  shape: Shape;
  urls: string[];
}

/**
 * Steps through the offered rates, the baseline and Chat-Flow taking turns at each rate so both
 * see the same moment of a shared machine; a target stops once a step is clearly past saturation.
 * Each target has its own load generators and sockets, all open for the whole sweep.
 */
async function sweep(context: BenchContext, targets: Target[]): Promise<Curve[]> {
  const { options } = context;
  const pools: WorkerPool[] = [];
  const curves: Curve[] = targets.map((t) => ({ name: t.name, points: [] }));
  const stopped = new Set<number>();
  try {
    for (const target of targets) {
      const pool = WorkerPool.start(options.workers);
      pools.push(pool);
      const connectMs = await pool.connect(specs(target.shape, target.urls));
      context.log(`  ${target.name}: ${target.shape.people * DEVICES} sockets open in ${(connectMs / 1000).toFixed(1)} s`);
    }
    // A short unrecorded step first: connections, JIT and pools warm up before anything counts.
    for (const pool of pools) await pool.step(-2, options.rates[0]!, 1000, 500);
    const perMessage = GROUP * DEVICES - 1;
    const durationMs = options.stepSeconds * 1000;
    for (const [step, rate] of options.rates.entries()) {
      for (const [t, target] of targets.entries()) {
        if (stopped.has(t)) continue;
        const replies = await pools[t]!.step(step, rate, durationMs, DRAIN_MS);
        const sent = replies.reduce((n, r) => n + r.sent, 0);
        const delivered = replies.reduce((n, r) => n + r.delivered, 0);
        const delivery = spread(replies.flatMap((r) => Array.from(r.delivery)));
        const ack = spread(replies.flatMap((r) => Array.from(r.ack)));
        const point: CurvePoint = {
          rate,
          sent,
          acked: replies.reduce((n, r) => n + r.acked, 0),
          deliveredRatio: sent === 0 ? 0 : delivered / (sent * perMessage),
          deliveriesPerSecond: delivered / (durationMs / 1000),
          deliveryP50: delivery.p50,
          deliveryP95: delivery.p95,
          deliveryP99: delivery.p99,
          ackP50: ack.p50,
          ackP99: ack.p99,
        };
        curves[t]!.points.push(point);
        context.log(`  ${target.name} @ ${rate} msg/s: ${(point.deliveredRatio * 100).toFixed(1)}% delivered, ${Math.round(point.deliveriesPerSecond)} deliveries/s, p50/p99 ${delivery.p50.toFixed(1)}/${delivery.p99.toFixed(1)} ms, ack p99 ${ack.p99.toFixed(1)} ms`);
        if (point.deliveredRatio < GIVE_UP.delivered || point.deliveryP99 > GIVE_UP.p99Ms) stopped.add(t);
      }
    }
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
  return curves;
}

export function knee(curve: Curve): CurvePoint | null {
  const passing = curve.points.filter((p) => p.deliveryP99 <= KNEE_P99_MS && p.deliveredRatio >= KNEE_DELIVERED);
  return passing.at(-1) ?? null;
}

async function startRelays(replicas: number): Promise<RelayProcess[]> {
  const key = `bench-relay-${randomBytes(4).toString('hex')}`;
  return Promise.all(Array.from({ length: replicas }, () => RelayProcess.start(replicas > 1 ? { url: REDIS_URL, key } : undefined)));
}

/** Chat-Flow replicas on one fresh database, its people seeded and signed in; then the sweep against the relays. */
async function measurePair(context: BenchContext, names: [string, string], people: number, replicas: number): Promise<[Curve, Curve]> {
  const database = await freshDatabase('fanout');
  const servers: ChatFlowProcess[] = [];
  const relays: RelayProcess[] = [];
  try {
    const topic = `bench-fanout-${randomBytes(4).toString('hex')}`;
    const scaled = replicas > 1 ? { redisUrl: REDIS_URL, kafkaBrokers: (await kafka()).brokers, kafkaTopic: topic } : {};
    // The first replica migrates the fresh database; the others start on the migrated schema.
    servers.push(await ChatFlowProcess.start(`${names[1]} 1`, { databaseUrl: database.url, ...scaled }));
    for (let r = 1; r < replicas; r++) servers.push(await ChatFlowProcess.start(`${names[1]} ${r + 1}`, { databaseUrl: database.url, ...scaled }));
    relays.push(...(await startRelays(replicas)));
    const seeded = await seedPeople(database.url, people, GROUP);
    const tokens = await login(servers[0]!.url, seeded.emails);
    const relayShape: Shape = { people, chatIds: Array.from({ length: people / GROUP }, (_, g) => `room-${g}`), tokens: [] };
    const [relay, chatFlow] = await sweep(context, [
      { name: names[0], shape: relayShape, urls: relays.map((r) => r.url) },
      { name: names[1], shape: { people, chatIds: seeded.chatIds, tokens }, urls: servers.map((s) => s.url) },
    ]);
    return [relay!, chatFlow!];
  } finally {
    await Promise.all([...servers.map((s) => s.close()), ...relays.map((r) => r.stop())]);
    await database.drop();
  }
}

function sustained(curve: Curve): CurvePoint | null {
  return curve.points.filter((p) => p.deliveredRatio >= KNEE_DELIVERED).at(-1) ?? null;
}

function compareAt(curve: Curve, rate: number): CurvePoint | undefined {
  return curve.points.find((p) => p.rate === rate);
}

/**
 * Fan-out: people x 4 devices in groups of 5 people, every message delivered to the other 19
 * sockets of its group, at stepped offered rates; Chat-Flow (one process; two replicas with Redis
 * and Kafka) against a bare Socket.IO relay (one process; two joined by the Redis adapter).
 */
export async function runFanout(context: BenchContext): Promise<void> {
  const { options } = context;
  const people = Math.floor(options.sockets / DEVICES / GROUP) * GROUP;
  const sockets = people * DEVICES;
  const size = sockets < FULL.sockets ? `${sockets} sockets (full size ${FULL.sockets})` : `${sockets} sockets`;
  context.log(`fan-out: ${people} people x ${DEVICES} devices in ${people / GROUP} groups of ${GROUP}, rates ${options.rates.join(', ')} msg/s, ${options.stepSeconds} s each`);
  const pairs: [string, Curve, Curve][] = [];
  const [relayOne, one] = await measurePair(context, ['bare Socket.IO relay', 'Chat-Flow, one process'], people, 1);
  pairs.push(['one process', one, relayOne]);
  const [relayTwo, two] = await measurePair(context, ['bare relay pair (Redis adapter)', 'Chat-Flow, two replicas (Redis, Kafka)'], people, 2);
  pairs.push(['two replicas', two, relayTwo]);
  context.curves.push(relayOne, one, relayTwo, two);

  for (const [label, cf, relay] of pairs) {
    const scenario = `fan-out, ${label}`;
    const id = label === 'one process' ? 'fanout.one' : 'fanout.two';
    const cfKnee = knee(cf);
    const relayKnee = knee(relay);
    const baselineLabel = label === 'one process' ? 'bare relay' : 'relay pair';
    const figures: Figure[] = [
      { id: `${id}.knee`, scenario, label: 'knee: highest offered rate with p99 <= 100 ms and >= 95% delivered', unit: 'msg/s', chatFlow: cfKnee?.rate ?? 0, baseline: relayKnee?.rate ?? 0,
        baselineLabel, better: 'higher', target: { op: '>=', value: 0.7, of: 'ratio' }, note: `${size}; tried up to ${cf.points.at(-1)?.rate ?? 0} and ${relay.points.at(-1)?.rate ?? 0} msg/s` },
      // Latency-free companion of the knee: on a saturated shared machine p99 may never get under 100 ms.
      { id: `${id}.sustained`, scenario, label: 'highest offered rate with >= 95% delivered', unit: 'msg/s', chatFlow: sustained(cf)?.rate ?? 0, baseline: sustained(relay)?.rate ?? 0, baselineLabel, better: 'higher' },
      { id: `${id}.deliveries`, scenario, label: 'deliveries/s at the knee', unit: '/s', chatFlow: cfKnee?.deliveriesPerSecond ?? 0, baseline: relayKnee?.deliveriesPerSecond ?? 0, baselineLabel, better: 'higher' },
    ];
    // The targets compare latency at half the relay's knee: the highest rate tried at or below it.
    const half = relayKnee ? options.rates.filter((r) => r <= relayKnee.rate / 2).at(-1) ?? options.rates[0]! : options.rates[0]!;
    const c = compareAt(cf, half);
    const b = compareAt(relay, half);
    const at = `at ${half} msg/s`;
    const lat = (key: keyof CurvePoint, name: string, suffix: string, target?: Figure['target']) =>
      figures.push({ id: `${id}.${suffix}`, scenario, label: `${name} ${at}`, unit: 'ms', chatFlow: c ? (c[key] as number) : null, baseline: b ? (b[key] as number) : null, baselineLabel, better: 'lower', ...(target ? { target } : {}),
        ...(c && c.deliveredRatio < KNEE_DELIVERED ? { note: `${(c.deliveredRatio * 100).toFixed(0)}% delivered` } : {}) });
    lat('deliveryP50', 'delivery p50', 'delivery.p50');
    lat('deliveryP95', 'delivery p95', 'delivery.p95');
    lat('deliveryP99', `delivery p99 (${relayKnee ? 'half the relay knee' : 'no relay knee: lowest rate'})`, 'delivery.p99', { op: '<=', value: 2, of: 'ratio' });
    lat('ackP50', 'ack p50', 'ack.p50');
    lat('ackP99', 'ack p99', 'ack.p99');
    context.figures.push(...figures);
  }
}
