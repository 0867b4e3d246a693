import { io, type Socket } from 'socket.io-client';
import type { FromWorker, SocketSpec, ToWorker } from './protocol.ts';

// A load generator in its own process (forked by the bench): opens its share of the sockets,
// sends at the rate it is told, and measures acks and deliveries. Every loop is bounded by a
// count and a deadline; the bench kills it if it ever hangs.

interface Device {
  spec: SocketSpec;
  socket: Socket;
  maxSeq: number;
  reportedSeq: number;
}

const devices: Device[] = [];
let currentStep = -1;
let deliveries: number[] = [];
let watermarkTimer: NodeJS.Timeout | undefined;
const now = () => performance.timeOrigin + performance.now();
const send = (message: FromWorker) => process.send!(message);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function open(spec: SocketSpec): Promise<Device> {
  const socket = io(spec.url, { auth: spec.auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 });
  const device: Device = { spec, socket, maxSeq: 0, reportedSeq: 0 };
  socket.on('message:new', (message: { clientId: string; seq: number }) => {
    if (message.seq > device.maxSeq) device.maxSeq = message.seq;
    const [step, sender, , sentAt] = message.clientId.split(':');
    if (Number(step) !== currentStep || Number(sender) === spec.index) return;
    deliveries.push(now() - Number(sentAt));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket ${spec.index} not ready within 60 s`)), 60_000);
    socket.once('ready', () => {
      clearTimeout(timer);
      resolve(device);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Delivered (and, on the device in use, read) watermarks, batched every 250 ms per chat like the UI. */
function startWatermarks() {
  watermarkTimer ??= setInterval(() => {
    for (const device of devices) {
      if (device.maxSeq <= device.reportedSeq) continue;
      device.reportedSeq = device.maxSeq;
      const watermark = { chatId: device.spec.chatId, seq: device.maxSeq };
      device.socket.emit('chat:delivered', watermark, () => undefined);
      if (device.spec.reads) device.socket.emit('chat:read', watermark, () => undefined);
    }
  }, 250);
}

async function connectAll(specs: SocketSpec[]) {
  const started = performance.now();
  const AT_ONCE = 25;
  for (let i = 0; i < specs.length; i += AT_ONCE) devices.push(...(await Promise.all(specs.slice(i, i + AT_ONCE).map(open))));
  startWatermarks();
  send({ type: 'connected', count: devices.length, ms: performance.now() - started });
}

/** Open-loop sends at `rate` msg/s for `durationMs`, spread round-robin over this worker's sockets. */
async function step(stepId: number, rate: number, durationMs: number, drainMs: number) {
  currentStep = stepId;
  deliveries = [];
  const acks: number[] = [];
  let sent = 0;
  let refused = 0;
  const total = Math.floor((rate * durationMs) / 1000);
  const started = performance.now();
  while (sent < total && performance.now() - started < durationMs + 1000) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000));
    while (sent < due) {
      const device = devices[sent % devices.length]!;
      const t0 = now();
      const clientId = `${stepId}:${device.spec.index}:${sent}:${t0.toFixed(3)}`;
      sent += 1;
      device.socket.timeout(10_000).emit('message:send', { chatId: device.spec.chatId, clientId, body: `fan-out ${clientId}` }, (error: Error | null, ack?: { ok: boolean }) => {
        if (error || !ack?.ok) refused += 1;
        else acks.push(now() - t0);
      });
    }
    await sleep(2);
  }
  await sleep(drainMs);
  const delivered = deliveries.length;
  send({ type: 'stepped', sent, acked: acks.length, refused, ack: Float64Array.from(acks), delivery: Float64Array.from(deliveries), delivered });
  currentStep = -1;
}

/** Closed loop: each of the first `senders` sockets keeps `window` sends in flight, `perSocket` in all. */
async function closedLoop(senders: number, perSocket: number, window: number, pauseMs: number) {
  const acks: number[] = [];
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    devices.slice(0, senders).map(async (device) => {
      for (let i = 0; i < perSocket; i += window) {
        await Promise.all(
          Array.from({ length: Math.min(window, perSocket - i) }, async (_, k) => {
            const t0 = now();
            const clientId = `-1:${device.spec.index}:${i + k}:${t0.toFixed(3)}`;
            try {
              const ack = (await device.socket.timeout(30_000).emitWithAck('message:send', { chatId: device.spec.chatId, clientId, body: `closed loop ${i + k}` })) as { ok: boolean };
              if (ack.ok) acks.push(now() - t0);
              else refused += 1;
            } catch {
              refused += 1;
            }
          }),
        );
        if (pauseMs) await sleep(pauseMs);
      }
    }),
  );
  send({ type: 'closedDone', acked: acks.length, refused, seconds: (performance.now() - started) / 1000, ack: Float64Array.from(acks) });
}

process.on('message', (message: ToWorker) => {
  const run = async () => {
    if (message.type === 'connect') await connectAll(message.specs);
    else if (message.type === 'step') await step(message.step, message.rate, message.durationMs, message.drainMs);
    else if (message.type === 'closed') await closedLoop(message.senders, message.perSocket, message.window, message.pauseMs);
    else {
      clearInterval(watermarkTimer);
      for (const device of devices) device.socket.close();
      setTimeout(() => process.exit(0), 100);
    }
  };
  run().catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
// The bench going away takes its load generators with it.
process.on('disconnect', () => process.exit(0));
