// A client of its own process that fires a burst of socket events as fast as it can, as an
// attacker on another machine would, so its own CPU cost does not land on the server under test.
// Usage: node --import tsx test/support/socket-flood.ts <url> <token> <chatId> <events>
// Prints "flooding" when the burst starts, then one JSON line: ack codes, and how the socket ended.
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';

const [url, token, chatId, total] = process.argv.slice(2) as [string, string, string, string];
const EVENTS = Number(total);
const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });

const payloads: [string, () => unknown][] = [
  ['chat:sync', () => ({ chats: { [chatId]: 0 } })],
  ['chat:read', () => ({ chatId, seq: 0 })],
  ['chat:delivered', () => ({ chatId, seq: 0 })],
  ['typing', () => ({ chatId, typing: true })],
  ['message:send', () => ({ chatId, clientId: randomUUID(), body: 'spam' })],
];

socket.once('ready', () => {
  const codes: Record<string, number> = {};
  let answered = 0;
  let disconnectReason: string | null = null;
  const finish = () => {
    process.stdout.write(`${JSON.stringify({ codes, answered, disconnectReason })}\n`);
    socket.close();
    process.exit(0);
  };
  // Unanswered events after a disconnect are never answered: stop waiting shortly after it.
  socket.once('disconnect', (reason) => {
    disconnectReason = reason;
    setTimeout(finish, 500);
  });
  process.stdout.write('flooding\n');
  for (let i = 0; i < EVENTS; i++) {
    const [event, payload] = payloads[i % payloads.length]!;
    socket.emit(event, payload(), (ack: { ok: boolean; error?: { code: string } }) => {
      const code = ack.ok ? 'ok' : (ack.error?.code ?? 'unknown');
      codes[code] = (codes[code] ?? 0) + 1;
      answered += 1;
      if (answered === EVENTS) finish();
    });
  }
});
socket.once('connect_error', (error) => {
  process.stdout.write(`${JSON.stringify({ connectError: error.message })}\n`);
  process.exit(1);
});
