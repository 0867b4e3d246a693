import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { sendMessage } from '../commands/message-sender.ts';
import { AppError, notFound, toAppError } from '../errors.ts';
import type { User } from '../models/user.ts';
import { presentMessagePage } from '../queries/message-attachments.ts';
import { MAX_SYNC_PER_CHAT, readSince } from '../queries/message-history.ts';
import { sendMessageSchema, syncSchema, typingSchema, watermarkSchema } from '../schemas/message-schemas.ts';
import { validate } from '../schemas/validate.ts';
import type { Services } from '../services.ts';
import { chatRoom } from './rooms.ts';
import { syncRowsPerChat, withinBudget } from './socket-budget.ts';

export interface SocketData {
  user: User;
  sessionId?: string;
}

type Ack = (result: Record<string, unknown>) => void;
type ChatSocket = Socket;

const TYPING_INTERVAL_MS = 1000;

/**
 * Wires one event: validate the payload, run the handler, answer the ack. A malformed payload or a
 * failing handler gets {ok: false, error}; nothing a client sends can throw out of here.
 */
function handle<S extends z.ZodType>(
  socket: ChatSocket,
  services: Services,
  roomsJoined: Promise<void>,
  event: string,
  schema: S,
  handler: (input: z.infer<S>) => Promise<Record<string, unknown> | void>,
) {
  socket.on(event, async (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack: Ack = typeof last === 'function' ? (last as Ack) : () => undefined;
    try {
      // Draining for shutdown: the client retries once it has reconnected to another replica.
      if (services.lifecycle.draining) throw new AppError(503, 'unavailable', 'The server is restarting; try again.');
      const result = await services.lifecycle.track(() =>
        withinBudget(socket, services, event, async () => {
          await roomsJoined;
          return handler(validate(schema, typeof args[0] === 'function' ? undefined : args[0]));
        }),
      );
      ack({ ok: true, ...(result ?? {}) });
    } catch (error) {
      const appError = toAppError(error);
      if (appError.status >= 500) services.logger.error({ err: error, event }, 'socket handler failed');
      ack({ ok: false, error: { code: appError.code, message: appError.message } });
    }
  });
}

/**
 * Membership for socket events: the server alone puts sockets into chat rooms (on connect, and on
 * every membership change on every replica), so a socket is in a chat's room exactly when its user
 * is a member. The writer checks the database again before anything is stored.
 */
function requireRoom(socket: ChatSocket, chatId: string) {
  if (!socket.rooms.has(chatRoom(chatId))) throw notFound('Chat');
}

/** `roomsJoined` settles once the socket sits in its rooms; events wait for it. */
export function registerSocketHandlers(socket: ChatSocket, services: Services, roomsJoined: Promise<void>) {
  const { user } = socket.data as SocketData;
  const lastTyping = new Map<string, number>();

  handle(socket, services, roomsJoined, 'message:send', sendMessageSchema, async (input) => {
    requireRoom(socket, input.chatId);
    return sendMessage(services, user, input);
  });

  handle(socket, services, roomsJoined, 'chat:read', watermarkSchema, async ({ chatId, seq }) => {
    requireRoom(socket, chatId);
    await services.watermarks.advance(chatId, user.id, { readSeq: seq });
  });

  handle(socket, services, roomsJoined, 'chat:delivered', watermarkSchema, async ({ chatId, seq }) => {
    requireRoom(socket, chatId);
    await services.watermarks.advance(chatId, user.id, { deliveredSeq: seq });
  });

  handle(socket, services, roomsJoined, 'typing', typingSchema, async ({ chatId, typing }) => {
    requireRoom(socket, chatId);
    const now = Date.now();
    // "Still typing" repeats are throttled; "stopped" always goes through.
    if (typing && now - (lastTyping.get(chatId) ?? 0) < TYPING_INTERVAL_MS) return;
    lastTyping.set(chatId, typing ? now : 0);
    socket.to(chatRoom(chatId)).volatile.emit('typing', { chatId, userId: user.id, typing });
  });

  handle(socket, services, roomsJoined, 'chat:sync', syncSchema, async ({ chats }) => {
    const positions = new Map<string, number>();
    const unknown: string[] = [];
    for (const [chatId, seq] of Object.entries(chats)) {
      if (socket.rooms.has(chatRoom(chatId))) positions.set(chatId, seq);
      else unknown.push(chatId);
    }
    if (positions.size === 0 && unknown.length > 0) throw notFound('Chat');
    const { messages, hasMore } = await readSince(services.knex, positions, syncRowsPerChat(positions.size, MAX_SYNC_PER_CHAT));
    return { messages: await presentMessagePage(services.knex, messages), hasMore, notFound: unknown };
  });
}
