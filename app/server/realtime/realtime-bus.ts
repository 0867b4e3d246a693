import type { Server } from 'socket.io';
import { chatRoom, sessionRoom, userRoom } from './rooms.ts';

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

  /** To every socket in the chat except those of the listed users. */
  toChat(chatId: string, event: string, payload: unknown, exceptUserIds: string[] = []): void {
    const target = this.io.to(chatRoom(chatId));
    (exceptUserIds.length ? target.except(exceptUserIds.map(userRoom)) : target).emit(event, payload);
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
