// Shapes of what the server sends (REST bodies and socket events), as the suites assert on them.
// Only the fields the tests read; the protocol reference in docs/ is the full description.

export interface Message {
  id: string;
  chatId: string;
  seq: number;
  clientId: string;
  sender: { id: string; name: string };
  body: string;
  kind: string;
}

export interface Receipt {
  chatId: string;
  userId: string;
  deliveredSeq: number;
  readSeq: number;
}

export interface ChatSummary {
  id: string;
  name: string;
  readSeq: number;
  unreadCount: number;
  lastSeq: number;
  members: { user: { id: string }; role: string; readSeq: number; deliveredSeq: number }[];
}
