import type { Server } from 'socket.io';
import { chatRoom, userRoom } from './rooms.ts';

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

  disconnectUser(userId: string): void {
    this.io.in(userRoom(userId)).disconnectSockets(true);
  }
}
