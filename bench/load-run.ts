import { io, type Socket } from 'socket.io-client';

export interface Scenario {
  name: string;
  senders: number;
  perSender: number;
  /** Sends in flight per sender; 1 means each waits for its previous ack. */
  window: number;
  /** Pause between a sender's windows, to model people rather than a flood. */
  pauseMs: number;
}

export interface RunResult {
  messages: number;
  seconds: number;
  perSecond: number;
  ackP50: number;
  ackP99: number;
  deliveryP50: number;
  deliveryP99: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

function connect(url: string, token?: string): Promise<Socket> {
  const socket = io(url, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/**
 * Every client sends and every client receives; latency is measured from the send to each other
 * member's `message:new` (delivery) and to the sender's ack (durable acceptance).
 */
export async function runScenario(url: string, tokens: (string | undefined)[], chatId: string, scenario: Scenario): Promise<RunResult> {
  const sockets = await Promise.all(tokens.slice(0, scenario.senders).map((token) => connect(url, token)));
  // Let the server join rooms before the first send.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const sentAt = new Map<string, number>();
  const deliveries: number[] = [];
  const acks: number[] = [];
  const expected = scenario.senders * scenario.perSender * (scenario.senders - 1);
  let delivered = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  sockets.forEach((socket, index) => {
    socket.on('message:new', (message: { clientId: string }) => {
      const [sender] = message.clientId.split('-');
      if (Number(sender) === index) return;
      const started = sentAt.get(message.clientId);
      if (started === undefined) return;
      deliveries.push(performance.now() - started);
      delivered += 1;
      if (delivered === expected) resolveDone();
    });
  });

  const start = performance.now();
  await Promise.all(
    sockets.map(async (socket, index) => {
      for (let i = 0; i < scenario.perSender; i += scenario.window) {
        const batch = Array.from({ length: Math.min(scenario.window, scenario.perSender - i) }, async (_, k) => {
          const clientId = `${index}-${i + k}-${Math.random().toString(36).slice(2)}`;
          const t0 = performance.now();
          sentAt.set(clientId, t0);
          const ack = (await socket.timeout(30_000).emitWithAck('message:send', { chatId, clientId, body: `message ${i + k}` })) as { ok: boolean };
          if (!ack.ok) throw new Error(`send refused: ${JSON.stringify(ack)}`);
          acks.push(performance.now() - t0);
        });
        await Promise.all(batch);
        if (scenario.pauseMs) await new Promise((resolve) => setTimeout(resolve, scenario.pauseMs));
      }
    }),
  );
  await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${delivered}/${expected} deliveries`)), 60_000))]);
  const seconds = (performance.now() - start) / 1000;
  for (const socket of sockets) socket.close();
  deliveries.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  const messages = scenario.senders * scenario.perSender;
  return {
    messages,
    seconds,
    perSecond: messages / seconds,
    ackP50: percentile(acks, 50),
    ackP99: percentile(acks, 99),
    deliveryP50: percentile(deliveries, 50),
    deliveryP99: percentile(deliveries, 99),
  };
}
