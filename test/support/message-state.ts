// A client's view of a chat as the UI keeps it: message:new adds, message:updated replaces in place
// (never with an older state), catch-up results are applied the same way.
import type { TestSocket } from './socket-client.ts';

export interface PresentedMessage {
  id: string;
  chatId: string;
  seq: number;
  updateSeq: number;
  body: string;
  deletedAt: string | null;
  editedAt: string | null;
  reactions: { emoji: string; count: number; me: boolean; userIds: string[] }[];
  replyTo: { id: string; sender: { id: string; name: string } | null; excerpt: string } | null;
  mentions: string[];
  [key: string]: unknown;
}

export type ChatState = Map<string, PresentedMessage>;

export function applyMessages(state: ChatState, messages: PresentedMessage[]): ChatState {
  for (const message of messages) {
    const known = state.get(message.id);
    if (!known || known.updateSeq <= message.updateSeq) state.set(message.id, message);
  }
  return state;
}

/** What a socket has been told about one chat, applied in arrival order. */
export function stateFromEvents(socket: TestSocket, chatId: string): ChatState {
  const state: ChatState = new Map();
  for (const { event, payload } of socket.events) {
    if ((event === 'message:new' || event === 'message:updated') && payload.chatId === chatId) applyMessages(state, [payload as PresentedMessage]);
  }
  return state;
}

/** The highest log position a socket has seen in a chat: every entry arrives as one event. */
export function lastPosition(socket: TestSocket, chatId: string): number {
  let last = 0;
  for (const { event, payload } of socket.events) {
    if (event === 'message:new' && payload.chatId === chatId) last = Math.max(last, payload.seq as number);
    if (event === 'message:updated' && payload.chatId === chatId) last = Math.max(last, payload.updateSeq as number);
  }
  return last;
}

/** Sorted by seq, for comparing two views with toEqual. */
export function ordered(state: ChatState): PresentedMessage[] {
  return [...state.values()].sort((a, b) => a.seq - b.seq);
}
