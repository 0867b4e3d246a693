import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { SESSION_COOKIE } from '../http/context.ts';
import type { Services } from '../services.ts';
import { chatRoom, userRoom } from './rooms.ts';
import { registerSocketHandlers, type SocketData } from './socket-handlers.ts';

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export function createSocketServer(httpServer: HttpServer): Server {
  return new Server(httpServer, {
    path: '/socket.io',
    serveClient: true,
    maxHttpBufferSize: 256 * 1024,
    connectionStateRecovery: undefined,
  });
}

/** Identity at the handshake, rooms on connect, presence, and the event handlers. */
export function attachRealtime(io: Server, services: Services) {
  io.use(async (socket, next) => {
    try {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const token = typeof auth?.token === 'string' ? auth.token : cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE);
      const principal = await services.identity.authenticate(token);
      if (!principal) return next(new Error('unauthorized'));
      (socket.data as SocketData).user = principal.user;
      (socket.data as SocketData).sessionId = principal.sessionId;
      next();
    } catch (error) {
      services.logger.error({ err: error }, 'socket handshake failed');
      next(new Error('unavailable'));
    }
  });

  io.on('connection', async (socket) => {
    const { user } = socket.data as SocketData;
    const roomsJoined = services
      .knex('chatMembers')
      .where({ userId: user.id })
      .select('chatId')
      .then((chats: { chatId: string }[]) => socket.join([userRoom(user.id), ...chats.map((c) => chatRoom(c.chatId))]));
    // Handlers first, so nothing the client sends right away is dropped; they wait for the rooms.
    registerSocketHandlers(socket, services, roomsJoined);
    try {
      await roomsJoined;
    } catch (error) {
      services.logger.error({ err: error }, 'could not join rooms');
      socket.disconnect(true);
      return;
    }
    // A socket that left while its rooms were joined never fires 'disconnect' for us: count it not at all.
    if (!socket.connected) return;
    services.presence.connected(user.id);
    socket.on('disconnect', () => services.presence.disconnected(user.id));
    socket.emit('ready', { userId: user.id });
  });
}
