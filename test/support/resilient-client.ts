import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';

export interface SyncedMessage {
  id: string;
  chatId: string;
  seq: number;
  clientId: string;
  body: string;
  sender: { id: string } | null;
}

const RETRY_MS = 200;
const ACK_TIMEOUT_MS = 5000;

/**
 * A client that behaves like the web UI across replicas and faults: when its connection drops it
 * reconnects to the next replica (as a load balancer would send it), keeps the last contiguous seq
 * of each chat, catches up with chat:sync on every connect and on the server's `resync` hint, and
 * fetches any gap it sees. Sends are retried with the same clientId until acked.
 */
export class ResilientClient {
  /** Every message it holds, per chat, by id: its final state. */
  readonly messages = new Map<string, Map<string, SyncedMessage>>();
  /** Messages that arrived again after it already had them (harmless; counted for the report). */
  redelivered = 0;
  /** message:new events for a message that an earlier message:new already brought. */
  liveDuplicates = 0;
  private readonly live = new Set<string>();
  /** Sends answered with a retryable error (or no answer) before they were finally acked. */
  errorAcks = 0;
  connects = 0;
  readonly events: { event: string; payload: unknown }[] = [];
  private readonly lastSeq = new Map<string, number>();
  private readonly seqs = new Map<string, Set<number>>();
  private socket: Socket | undefined;
  private index: number;
  private closed = false;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private connectedWaiters: (() => void)[] = [];

  constructor(
    private readonly urls: () => string[],
    private readonly token: string,
    chatIds: string[],
    start = 0,
  ) {
    this.index = start;
    for (const chatId of chatIds) {
      this.messages.set(chatId, new Map());
      this.lastSeq.set(chatId, 0);
      this.seqs.set(chatId, new Set());
    }
  }

  get connected(): boolean {
    return this.socket?.connected === true;
  }

  /** The replica it is connected to now. */
  get url(): string {
    const urls = this.urls();
    return urls[this.index % urls.length]!;
  }

  connect(): Promise<void> {
    this.open();
    return this.whenConnected();
  }

  received(event: string): unknown[] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload);
  }

  /** Sends until acked; resolves with the message id. */
  async send(chatId: string, body: string, clientId = randomUUID()): Promise<string> {
    for (;;) {
      if (this.closed) throw new Error('client closed');
      await this.whenConnected();
      const socket = this.socket!;
      const result = (await socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('message:send', { chatId, clientId, body })
        .catch(() => ({ ok: false, error: { code: 'timeout' } }))) as { ok: boolean; id?: string; error?: { code: string; message?: string } };
      if (result.ok) return result.id!;
      if (!['unavailable', 'timeout', 'rate_limited'].includes(result.error?.code ?? '')) {
        throw new Error(`send refused: ${JSON.stringify(result.error)}`);
      }
      this.errorAcks += 1;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  /** Emits an event with an ack on the current connection (for receipts, membership checks). */
  async emit(event: string, payload: unknown): Promise<{ ok: boolean; [key: string]: unknown }> {
    await this.whenConnected();
    return (await this.socket!.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as { ok: boolean };
  }

  /** Runs chat:sync until every chat is caught up. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        let more = true;
        while (more && this.connected && !this.closed) {
          const result = (await this.socket!
            .timeout(20_000)
            .emitWithAck('chat:sync', { chats: Object.fromEntries(this.lastSeq) })
            .catch(() => ({ ok: false }))) as { ok: boolean; messages?: SyncedMessage[]; hasMore?: Record<string, boolean> };
          if (!result.ok) break;
          for (const message of result.messages ?? []) this.store(message);
          more = Object.values(result.hasMore ?? {}).some(Boolean);
        }
      } while (this.syncAgain && this.connected && !this.closed);
    })().finally(() => (this.syncing = null));
    return this.syncing;
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private whenConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  private open() {
    if (this.closed) return;
    const socket = io(this.url, { auth: { token: this.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket = socket;
    socket.onAny((event: string, payload: unknown) => {
      if (event !== 'message:new') this.events.push({ event, payload });
    });
    socket.on('ready', () => {
      this.connects += 1;
      for (const wake of this.connectedWaiters.splice(0)) wake();
      void this.sync();
    });
    socket.on('resync', () => void this.sync());
    socket.on('message:new', (message: SyncedMessage) => {
      if (this.live.has(message.id)) this.liveDuplicates += 1;
      this.live.add(message.id);
      const chat = this.lastSeq.get(message.chatId);
      this.store(message);
      if (chat !== undefined && message.seq > chat + 1) void this.sync();
    });
    const retry = () => {
      if (this.socket !== socket || this.closed) return;
      socket.removeAllListeners();
      socket.close();
      this.index += 1;
      setTimeout(() => this.open(), RETRY_MS);
    };
    socket.on('disconnect', retry);
    socket.on('connect_error', retry);
  }

  private store(message: SyncedMessage) {
    const chat = this.messages.get(message.chatId);
    if (!chat) return;
    if (chat.has(message.id)) this.redelivered += 1;
    chat.set(message.id, message);
    const seqs = this.seqs.get(message.chatId)!;
    seqs.add(message.seq);
    let seq = this.lastSeq.get(message.chatId) ?? 0;
    while (seqs.has(seq + 1)) seq += 1;
    this.lastSeq.set(message.chatId, seq);
  }
}
