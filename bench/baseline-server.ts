import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

/**
 * The floor to compare against: bare Socket.IO in the same process relaying each message to a
 * room and acking it, with no validation, no log and no database.
 */
export async function startBaselineServer() {
  const http = createServer();
  const io = new Server(http);
  let seq = 0;
  io.on('connection', (socket) => {
    socket.join('room');
    socket.on('message:send', (payload: { clientId: string; body: string }, ack: (r: unknown) => void) => {
      seq += 1;
      io.to('room').emit('message:new', { ...payload, seq, createdAt: new Date().toISOString() });
      ack({ ok: true, seq });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}
