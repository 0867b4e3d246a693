import type { Server } from 'socket.io';
import { chatRoom, derivesNotificationsRoom, derivesNotificationsUserRoom, sessionRoom, userRoom } from './rooms.ts';

/** PROTOCOL v1.1 `session:ended` reasons. */
export type SessionEndReason = 'logged_out' | 'deactivated' | 'password_reset' | 'expired';

/**
 * What commands and the writer may do to connected clients. Backed by the Socket.IO server, so
 * with the Redis adapter every call reaches the sockets of every replica.
 */
export class RealtimeBus {
  constructor(readonly io: Server) {}

  joinChat(userIds: string[], chatId: string): void {
    if (userIds.length) this.io.in(userIds.map(userRoom)).socketsJoin(chatRoom(chatId));
  }

  leaveChat(userIds: string[], chatId: string): void {
    if (userIds.length) this.io.in(userIds.map(userRoom)).socketsLeave(chatRoom(chatId));
  }

  toUser(userId: string, event: string, payload: unknown): void {
    this.io.to(userRoom(userId)).emit(event, payload);
  }

  /** To every socket of the listed users, each socket once. */
  toUsers(userIds: string[], event: string, payload: unknown): void {
    if (userIds.length) this.io.to(userIds.map(userRoom)).emit(event, payload);
  }

  /** To the sockets in any of these chats, each socket once. */
  toChats(chatIds: string[], event: string, payload: unknown): void {
    if (chatIds.length) this.io.to(chatIds.map(chatRoom)).emit(event, payload);
  }

  /** To every socket in the chat except those of the listed users (and those in the listed rooms). */
  toChat(chatId: string, event: string, payload: unknown, exceptUserIds: string[] = [], exceptRooms: string[] = []): void {
    const except = [...exceptUserIds.map(userRoom), ...exceptRooms];
    const target = this.io.to(chatRoom(chatId));
    (except.length ? target.except(except) : target).emit(event, payload);
  }

  /**
   * A `notification` to the chat's sockets except the listed users'. Sockets that derive
   * notifications from `message:new` get it there, in the chat's room, so they are left out.
   */
  notifyChat(chatId: string, payload: unknown, exceptUserIds: string[]): void {
    this.toChat(chatId, 'notification', payload, exceptUserIds, [derivesNotificationsRoom]);
  }

  /** A `notification` to one user: to a deriving socket only when it is not in the chat's room. */
  notifyUser(userId: string, chatId: string, payload: unknown): void {
    this.io.to(userRoom(userId)).except(derivesNotificationsRoom).emit('notification', payload);
    this.io.to(derivesNotificationsUserRoom(userId)).except(chatRoom(chatId)).emit('notification', payload);
  }

  /** Tells every socket of the user why, then disconnects them (deactivation, password reset, sign out everywhere). */
  endUser(userId: string, reason: SessionEndReason): void {
    this.endRoom(userRoom(userId), reason);
  }

  /** The same for the sockets of one Chat-Flow session (logout). */
  endSession(sessionId: string, reason: SessionEndReason): void {
    this.endRoom(sessionRoom(sessionId), reason);
  }

  // The event is queued before the disconnect on every replica, and a closing transport flushes
  // what is queued, so clients learn the reason and stop reconnecting.
  private endRoom(room: string, reason: SessionEndReason): void {
    this.io.to(room).emit('session:ended', { reason });
    this.io.in(room).disconnectSockets(true);
  }
}
