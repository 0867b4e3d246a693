import { io, type Socket } from 'socket.io-client';

export interface AckResult {
  ok: boolean;
  error?: { code: string; message: string };
  [key: string]: unknown;
}

// Event payloads are whatever the server emitted; each test states the shape it checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Payload = any;

/** A Socket.IO client that records every event it receives, for assertions. */
export class TestSocket {
  readonly events: { event: string; payload: Payload }[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown) => {
      this.events.push({ event, payload });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  received<T = Payload>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as T);
  }

  emitAck(event: string, ...args: unknown[]): Promise<AckResult> {
    return this.socket.timeout(15_000).emitWithAck(event, ...args) as Promise<AckResult>;
  }

  /** Waits until `check` is true, re-checking after every received event. */
  async waitFor(check: () => boolean, what = 'condition', timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Emits a best-effort (volatile) event until `check` holds: the server may drop such an event
   * while the receiver's connection is busy, which is the point of volatile, so tests retry.
   */
  async emitUntil(event: string, payload: unknown, check: () => boolean, what: string, everyMs = 1100): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      this.socket.emit(event, payload);
      await new Promise((resolve) => setTimeout(resolve, everyMs)).then(() => undefined);
      if (check()) return;
    }
  }

  close() {
    this.socket.close();
  }
}

/** Connects and waits for the server's `ready` (rooms joined), or rejects with the refusal. */
export function connectSocket(url: string, token?: string, options: { auth?: Record<string, unknown>; headers?: Record<string, string> } = {}): Promise<TestSocket> {
  const socket = io(url, {
    auth: options.auth ?? (token ? { token } : {}),
    extraHeaders: options.headers,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const client = new TestSocket(socket);
  return new Promise((resolve, reject) => {
    socket.once('ready', () => resolve(client));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}
