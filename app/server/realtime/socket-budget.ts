import type { Socket } from 'socket.io';
import { AppError, rateLimited } from '../errors.ts';
import { Semaphore } from '../limits/semaphore.ts';
import type { Services } from '../services.ts';
import type { SocketData } from './socket-handlers.ts';

// Events whose handlers hold no database connection of their own: the writer and the watermark
// buffer batch their work, and typing is a broadcast. Every other event may query the database.
const NO_DATABASE = new Set(['message:send', 'chat:read', 'chat:delivered', 'typing']);
// Tokens one event takes from its bucket: a sync reads many rows.
const COST: Record<string, number> = { 'chat:sync': 5 };

// Sockets together never hold more than this many pool connections (the pool has 10), so REST
// requests and the writer always find one.
const SOCKET_DB_SLOTS = 3;
const SOCKET_DB_WAITING = 500;
const SOCKET_DB_WAIT_MS = 5000;
// Past its concurrent handlers, a socket's events wait this long (a few of them) for a turn.
const WAITING_PER_SLOT = 4;
const SLOT_WAIT_MS = 2000;
// This many refusals within the window and the socket is disconnected.
const STRIKES_TO_DISCONNECT = 50;
const STRIKE_WINDOW_MS = 10_000;

/** Rows one chat:sync may return over all its chats; a client asks again where `hasMore`. */
export const MAX_SYNC_ROWS = 2000;

/** The per-chat row limit of a chat:sync over `chats` chats, within MAX_SYNC_ROWS in total. */
export function syncRowsPerChat(chats: number, perChatMax: number): number {
  return Math.max(1, Math.min(perChatMax, Math.floor(MAX_SYNC_ROWS / Math.max(chats, 1))));
}

const databaseSlots = new WeakMap<Services, Semaphore>();
const budgets = new WeakMap<Socket, SocketBudget>();

function databaseSlotsOf(services: Services): Semaphore {
  let slots = databaseSlots.get(services);
  if (!slots) {
    slots = new Semaphore(SOCKET_DB_SLOTS, SOCKET_DB_WAITING, () => rateLimited('The server is busy; try again shortly.'), SOCKET_DB_WAIT_MS);
    databaseSlots.set(services, slots);
  }
  return slots;
}

/**
 * What one socket may ask of the server: a token bucket per event type, a bounded number of
 * handlers at once, and a share of the database kept apart from REST and the writer. A socket
 * that keeps being refused is disconnected.
 */
class SocketBudget {
  private readonly slots: Semaphore;
  private strikes = 0;
  private closing?: Error;
  private windowStartedAt = Date.now();

  constructor(
    private readonly socket: Socket,
    private readonly services: Services,
  ) {
    const { socketConcurrency } = services.config.limits;
    this.slots = new Semaphore(socketConcurrency, socketConcurrency * WAITING_PER_SLOT, () => rateLimited('Too many requests at once on this connection; slow down.'), SLOT_WAIT_MS);
  }

  run<T>(event: string, task: () => Promise<T>): Promise<T> {
    // Decided before anything is awaited: a flood is refused, and ended, while it is being read.
    if (this.closing) return Promise.reject(this.closing);
    if (this.slots.saturated) {
      const refusal = this.slots.refusal();
      this.strike();
      return Promise.reject(refusal);
    }
    return this.admit(event, task);
  }

  private async admit<T>(event: string, task: () => Promise<T>): Promise<T> {
    try {
      await this.services.limits.consume('socket-event', `${this.socket.id}:${event}`, COST[event] ?? 1);
      return await this.slots.run(() => (NO_DATABASE.has(event) ? task() : databaseSlotsOf(this.services).run(task)));
    } catch (error) {
      if (error instanceof AppError && error.code === 'rate_limited') this.strike();
      throw error;
    }
  }

  private strike() {
    const now = Date.now();
    if (now - this.windowStartedAt > STRIKE_WINDOW_MS) {
      this.windowStartedAt = now;
      this.strikes = 0;
    }
    this.strikes += 1;
    if (this.strikes !== STRIKES_TO_DISCONNECT) return;
    this.services.logger.warn({ userId: (this.socket.data as SocketData).user.id }, 'disconnected a socket that kept exceeding its budget');
    // Whatever else arrives meanwhile is refused without work; the refusals' acks go out first.
    this.closing = rateLimited('Too many requests on this connection; it is being closed.');
    setImmediate(() => this.socket.disconnect(true));
  }
}

/** Runs one event's handler within its socket's budget, or throws 429 rate_limited. */
export function withinBudget<T>(socket: Socket, services: Services, event: string, task: () => Promise<T>): Promise<T> {
  let budget = budgets.get(socket);
  if (!budget) {
    budget = new SocketBudget(socket, services);
    budgets.set(socket, budget);
  }
  return budget.run(event, task);
}
