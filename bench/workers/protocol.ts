/** Messages between the bench and its forked load generators (socket-worker.ts). */

export interface SocketSpec {
  /** Global index: senders put it in each clientId, so receivers skip their own sends. */
  index: number;
  url: string;
  /** The handshake's auth: a token (and the features the UI declares), or the relay's room keys. */
  auth: Record<string, string | string[]>;
  chatId: string;
  /** Whether this device also sends read watermarks (the one a person is looking at). */
  reads: boolean;
}

export type ToWorker =
  | { type: 'connect'; specs: SocketSpec[] }
  | { type: 'step'; step: number; rate: number; durationMs: number; drainMs: number }
  | { type: 'closed'; senders: number; perSocket: number; window: number; pauseMs: number }
  | { type: 'close' };

export type FromWorker =
  | { type: 'connected'; count: number; ms: number }
  | { type: 'stepped'; sent: number; acked: number; refused: number; ack: Float64Array; delivery: Float64Array; delivered: number }
  | { type: 'closedDone'; acked: number; refused: number; seconds: number; ack: Float64Array }
  | { type: 'error'; message: string };
