import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server } from 'socket.io';
import { SESSION_COOKIE } from '../http/context.ts';
import type { Services } from '../services.ts';
import { AppError } from '../errors.ts';
import { ownOrigin, requestSignals } from '../http/origin-policy.ts';
import { BASE_SECURITY_HEADERS } from '../http/security-headers.ts';
import { chatRoom, derivesNotificationsRoom, derivesNotificationsUserRoom, derivesReceiptsRoom, sessionRoom, userRoom } from './rooms.ts';
import { registerSocketHandlers, type SocketData } from './socket-handlers.ts';

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function cookieOriginAllowed(request: IncomingMessage, services: Services): boolean {
  const own = ownOrigin(request.headers, 'encrypted' in request.socket, services.config.trustProxy);
  return services.originPolicy.allowsRequest(requestSignals(request.headers), own);
}

/** Chat-Flow sessions get a room, so logout can end exactly their sockets; Clerk sessions have none. */
const sessionRooms = (sessionId: string | undefined) => (sessionId ? [sessionRoom(sessionId)] : []);

/**
 * Client features declared at the handshake (`auth.features`), as rooms: a client that derives
 * notifications, or the sender's receipt, from `message:new` is not sent them a second time.
 * Unknown names are ignored, so clients may declare features this server does not have.
 */
function featureRooms(auth: { features?: unknown } | undefined, userId: string): string[] {
  const features = Array.isArray(auth?.features) ? auth.features.slice(0, 20) : [];
  return [
    ...(features.includes('derived-notifications') ? [derivesNotificationsRoom, derivesNotificationsUserRoom(userId)] : []),
    ...(features.includes('derived-receipts') ? [derivesReceiptsRoom] : []),
  ];
}

export function createSocketServer(httpServer: HttpServer): Server {
  const io = new Server(httpServer, {
    path: '/socket.io',
    serveClient: true,
    maxHttpBufferSize: 256 * 1024,
    connectionStateRecovery: undefined,
  });
  // Socket.IO answers its own path outside Koa: its HTTP answers get the same base headers.
  io.engine.on('headers', (headers: Record<string, string>) => Object.assign(headers, BASE_SECURITY_HEADERS));
  return io;
}

/** Identity at the handshake, rooms on connect, presence, and the event handlers. */
export function attachRealtime(io: Server, services: Services) {
  io.use(async (socket, next) => {
    try {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const bearer = typeof auth?.token === 'string' && auth.token !== '' ? auth.token : undefined;
      const cookie = cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE);
      // The cookie rides along with any page's WebSocket: it counts only from a trusted page.
      if (!bearer && cookie && !cookieOriginAllowed(socket.request, services)) return next(new Error('forbidden'));
      const principal = await services.identity.authenticate(bearer ?? cookie);
      if (!principal) return next(new Error('unauthorized'));
      const { id, name, role } = principal.user;
      (socket.data as SocketData).user = { id, name, role };
      (socket.data as SocketData).sessionId = principal.sessionId;
      next();
    } catch (error) {
      // An AppError (a Clerk outage: unavailable; a Clerk link refused: forbidden) keeps its code.
      if (error instanceof AppError && error.status < 500) return next(new Error(error.code));
      if (error instanceof AppError) services.logger.warn({ err: error }, 'socket handshake refused');
      else services.logger.error({ err: error }, 'socket handshake failed');
      next(new Error('unavailable'));
    }
  });

  io.on('connection', async (socket) => {
    const { user, sessionId } = socket.data as SocketData;
    const roomsJoined = services
      .knex('chatMembers')
      .where({ userId: user.id })
      .select('chatId')
      .then((chats: { chatId: string }[]) =>
        socket.join([userRoom(user.id), ...sessionRooms(sessionId), ...featureRooms(socket.handshake.auth, user.id), ...chats.map((c) => chatRoom(c.chatId))]),
      );
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
