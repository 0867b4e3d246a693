import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

// The fan-out and memory baseline, in its own process like Chat-Flow: a bare Socket.IO server
// that joins each socket to the room its handshake names and relays sends and watermarks to that
// room, with no identity, validation, log or database. With REDIS_URL, replicas of it are joined
// by the Redis adapter. SIGUSR2 runs a full GC (the memory scenario reads RSS after it).
import '../preload/gc-on-signal.mjs';

const port = Number(process.env.PORT);
const http = createServer();
const io = new Server(http);
if (process.env.REDIS_URL) {
  const pub = new Redis(process.env.REDIS_URL);
  const sub = pub.duplicate();
  io.adapter(createAdapter(pub, sub, { key: process.env.RELAY_KEY ?? 'bench-relay' }));
}
const seqs = new Map<string, number>();
let ids = 0;
io.on('connection', (socket) => {
  const { chatId, userId } = socket.handshake.auth as { chatId: string; userId?: string };
  socket.join(chatId);
  socket.on('message:send', (payload: { chatId: string; clientId: string; body: string }, ack: (r: unknown) => void) => {
    const seq = (seqs.get(payload.chatId) ?? 0) + 1;
    seqs.set(payload.chatId, seq);
    const id = `${process.pid}-${(ids += 1)}`;
    io.to(payload.chatId).emit('message:new', {
      id, chatId: payload.chatId, seq, clientId: payload.clientId, sender: { id: userId ?? '', name: '' }, kind: 'text', body: payload.body,
      attachments: [], createdAt: new Date().toISOString(), editedAt: null, deletedAt: null,
    });
    ack({ ok: true, clientId: payload.clientId, id });
  });
  const watermark = (kind: 'deliveredSeq' | 'readSeq') => (payload: { chatId: string; seq: number }, ack?: (r: unknown) => void) => {
    io.to(payload.chatId).emit('receipt', { chatId: payload.chatId, userId: userId ?? '', [kind]: payload.seq });
    ack?.({ ok: true });
  };
  socket.on('chat:delivered', watermark('deliveredSeq'));
  socket.on('chat:read', watermark('readSeq'));
  socket.emit('ready', { userId });
});
http.listen(port, '127.0.0.1', () => process.send?.({ type: 'listening' }));
process.on('disconnect', () => process.exit(0));
