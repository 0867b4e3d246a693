import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { deleteMessage, editMessage, setReaction } from '../commands/message-actions.ts';
import { sendMessage } from '../commands/message-sender.ts';
import { AppError, notFound, toAppError } from '../errors.ts';
import type { User } from '../models/user.ts';
import { presentMessagePage } from '../queries/message-attachments.ts';
import { MAX_SYNC_PER_CHAT, readSince } from '../queries/message-history.ts';
import { editMessageSchema, messageRefSchema, reactionSchema, sendMessageSchema, syncSchema, typingSchema, watermarkSchema } from '../schemas/message-schemas.ts';
import { validate } from '../schemas/validate.ts';
import type { Services } from '../services.ts';
import { chatRoom } from './rooms.ts';
import { syncRowsPerChat, withinBudget } from './socket-budget.ts';

/** What a socket keeps of its user for its lifetime: only what its handlers use, not the row. */
export type SocketUser = Pick<User, 'id' | 'name' | 'role'>;

export interface SocketData {
  user: SocketUser;
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
 * every membership change on every replica), so the rooms are a cache of membership. The database
 * decides: a chat created on another replica a moment ago may not have moved this socket yet, so a
 * miss asks the database (and joins the room) before answering not_found; the writer checks again
 * before anything is stored.
 */
async function requireRoom(socket: ChatSocket, services: Services, userId: string, chatId: string) {
  if (socket.rooms.has(chatRoom(chatId))) return;
  const member = await services.knex('chatMembers').where({ chatId, userId }).first('chatId');
  if (!member) throw notFound('Chat');
  await socket.join(chatRoom(chatId));
}

/** `roomsJoined` settles once the socket sits in its rooms; events wait for it. */
export function registerSocketHandlers(socket: ChatSocket, services: Services, roomsJoined: Promise<void>) {
  const { user } = socket.data as SocketData;
  const lastTyping = new Map<string, number>();

  handle(socket, services, roomsJoined, 'message:send', sendMessageSchema, async (input) => {
    await requireRoom(socket, services, user.id, input.chatId);
    return sendMessage(services, user, input);
  });

  handle(socket, services, roomsJoined, 'chat:read', watermarkSchema, async ({ chatId, seq }) => {
    await requireRoom(socket, services, user.id, chatId);
    await services.watermarks.advance(chatId, user.id, { readSeq: seq });
  });

  handle(socket, services, roomsJoined, 'chat:delivered', watermarkSchema, async ({ chatId, seq }) => {
    await requireRoom(socket, services, user.id, chatId);
    await services.watermarks.advance(chatId, user.id, { deliveredSeq: seq });
  });

  handle(socket, services, roomsJoined, 'typing', typingSchema, async ({ chatId, typing }) => {
    await requireRoom(socket, services, user.id, chatId);
    const now = Date.now();
    // "Still typing" repeats are throttled; "stopped" always goes through.
    if (typing && now - (lastTyping.get(chatId) ?? 0) < TYPING_INTERVAL_MS) return;
    lastTyping.set(chatId, typing ? now : 0);
    socket.to(chatRoom(chatId)).volatile.emit('typing', { chatId, userId: user.id, typing });
  });

  handle(socket, services, roomsJoined, 'message:edit', editMessageSchema, async (input) => ({ message: await editMessage(services, user, input) }));

  handle(socket, services, roomsJoined, 'message:delete', messageRefSchema, async ({ messageId }) => {
    await deleteMessage(services, user, messageId);
  });

  handle(socket, services, roomsJoined, 'reaction:add', reactionSchema, async ({ messageId, emoji }) => {
    await setReaction(services, user, messageId, emoji, true);
  });

  handle(socket, services, roomsJoined, 'reaction:remove', reactionSchema, async ({ messageId, emoji }) => {
    await setReaction(services, user, messageId, emoji, false);
  });

  handle(socket, services, roomsJoined, 'chat:sync', syncSchema, async ({ chats }) => {
    const positions = new Map<string, number>();
    let missing: string[] = [];
    for (const [chatId, seq] of Object.entries(chats)) {
      if (socket.rooms.has(chatRoom(chatId))) positions.set(chatId, seq);
      else missing.push(chatId);
    }
    if (missing.length > 0) {
      // Rooms may lag a chat created on another replica: the database decides (one query for all).
      const rows = (await services.knex('chatMembers').where({ userId: user.id }).whereIn('chatId', missing).select('chatId')) as { chatId: string }[];
      const found = new Set(rows.map((r) => r.chatId));
      if (found.size > 0) await socket.join([...found].map(chatRoom));
      for (const chatId of found) positions.set(chatId, chats[chatId]!);
      missing = missing.filter((id) => !found.has(id));
    }
    if (positions.size === 0 && missing.length > 0) throw notFound('Chat');
    const { messages, hasMore } = await readSince(services.knex, positions, syncRowsPerChat(positions.size, MAX_SYNC_PER_CHAT));
    return { messages: await presentMessagePage(services.knex, messages, user.id), hasMore, notFound: missing };
  });
}
