// The UI's state logic without a DOM: createAppState() and the store transitions are plain
// modules, so de-duplication, ordering, ticks and link parsing are checked here directly.
import { describe, it, expect } from 'vitest';

interface Msg { id: string; chatId: string; seq: number | null; clientId: string | null; sender: { id: string; name: string }; kind: string; body: string; createdAt: string; status?: string }
interface Member { user: { id: string }; deliveredSeq: number; readSeq: number }
interface State { chats: { value: Record<string, { members: Member[]; unreadCount: number; readSeq: number; lastSeq: number }> } }
interface Modules {
  'state.js': { createAppState(): State };
  'store.js': {
    mergeMessages(state: State, chatId: string, list: Msg[]): Msg[];
    addLocalMessage(state: State, chatId: string, m: Msg): void;
    confirmLocalMessage(state: State, chatId: string, clientId: string, id: string, seq: number): void;
    entryOf(state: State, chatId: string): { items: Msg[] };
    ownMessageStatus(m: Msg, c: ReturnType<typeof chat>, myId: string): { status: string; seenBy: number };
    setChats(state: State, list: Array<ReturnType<typeof chat>>): void;
    applyReceipt(state: State, r: { chatId: string; userId: string; deliveredSeq: number; readSeq: number }): void;
    applyMessageToChat(state: State, m: Msg, countUnread: boolean): void;
  };
  'format.js': { linkify(text: string): Array<{ text: string; href?: string }> };
}

// Plain JS modules served to the browser; imported by URL so the TypeScript checker leaves them be.
const web = <F extends keyof Modules>(file: F) =>
  import(new URL(`../../app/web/src/${file}`, import.meta.url).href) as Promise<Modules[F]>;

const msg = (seq: number | null, over: Partial<Msg> = {}): Msg => ({
  id: seq === null ? '' : `m${seq}`, chatId: 'c1', seq, clientId: `client-${seq}`, sender: { id: 'u2', name: 'Bob' },
  kind: 'text', body: `body ${seq}`, createdAt: new Date(2026, 0, 1, 10, seq ?? 59).toISOString(), ...over,
});

const chat = (members: Array<{ id: string; deliveredSeq?: number; readSeq?: number }>) => ({
  id: 'c1', kind: members.length > 2 ? 'group' : 'direct', name: 'Chat', lastSeq: 0, lastMessage: null, readSeq: 0, unreadCount: 0, createdAt: '',
  members: members.map((m) => ({ user: { id: m.id, name: m.id }, role: 'member', deliveredSeq: m.deliveredSeq ?? 0, readSeq: m.readSeq ?? 0 })),
});

describe('message store', () => {
  it('keeps one copy per id, ordered by seq, whatever the arrival order', async () => {
    const { createAppState } = await web('state.js');
    const { mergeMessages, entryOf } = await web('store.js');
    const state = createAppState();
    expect(mergeMessages(state, 'c1', [msg(3), msg(1)]).map((m) => m.seq)).toEqual([3, 1]);
    expect(mergeMessages(state, 'c1', [msg(2), msg(3), msg(1)]).map((m) => m.seq)).toEqual([2]);
    expect(mergeMessages(state, 'c1', [msg(3)])).toEqual([]);
    expect(entryOf(state, 'c1').items.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('replaces an optimistic message by the server copy with the same clientId', async () => {
    const { createAppState } = await web('state.js');
    const { mergeMessages, addLocalMessage, confirmLocalMessage, entryOf } = await web('store.js');
    const state = createAppState();
    mergeMessages(state, 'c1', [msg(1)]);
    addLocalMessage(state, 'c1', msg(null, { clientId: 'mine', sender: { id: 'u1', name: 'Me' }, status: 'sending', body: 'hi' }));
    expect(entryOf(state, 'c1').items.map((m) => m.status ?? m.seq)).toEqual([1, 'sending']);
    // The echo on the socket can come before or after the ack; either way one message remains.
    mergeMessages(state, 'c1', [msg(2, { id: 'srv', clientId: 'mine', sender: { id: 'u1', name: 'Me' }, body: 'hi' })]);
    confirmLocalMessage(state, 'c1', 'mine', 'srv', 2);
    const items = entryOf(state, 'c1').items;
    expect(items.map((m) => [m.id, m.seq, m.status])).toEqual([['m1', 1, undefined], ['srv', 2, undefined]]);
  });

  it('derives ticks from the other members’ watermarks', async () => {
    const { ownMessageStatus } = await web('store.js');
    const mine = msg(5, { sender: { id: 'u1', name: 'Me' } });
    expect(ownMessageStatus({ ...mine, seq: null, status: 'sending' }, chat([{ id: 'u1' }, { id: 'u2' }]), 'u1').status).toBe('sending');
    expect(ownMessageStatus(mine, chat([{ id: 'u1' }, { id: 'u2', deliveredSeq: 4 }]), 'u1').status).toBe('sent');
    expect(ownMessageStatus(mine, chat([{ id: 'u1' }, { id: 'u2', deliveredSeq: 5 }]), 'u1').status).toBe('delivered');
    expect(ownMessageStatus(mine, chat([{ id: 'u1' }, { id: 'u2', readSeq: 9 }]), 'u1').status).toBe('read');
    const group = chat([{ id: 'u1' }, { id: 'u2', readSeq: 5 }, { id: 'u3', deliveredSeq: 5 }, { id: 'u4', readSeq: 6 }]);
    expect(ownMessageStatus(mine, group, 'u1')).toEqual({ status: 'delivered', seenBy: 2 });
  });

  it('never moves receipt watermarks backwards', async () => {
    const { createAppState } = await web('state.js');
    const { setChats, applyReceipt } = await web('store.js');
    const state = createAppState();
    setChats(state, [chat([{ id: 'u1' }, { id: 'u2', readSeq: 3 }])]);
    applyReceipt(state, { chatId: 'c1', userId: 'u2', deliveredSeq: 7, readSeq: 2 });
    setChats(state, [chat([{ id: 'u1' }, { id: 'u2', readSeq: 1 }])]); // a stale list
    const member = state.chats.value.c1.members.find((m) => m.user.id === 'u2');
    expect([member?.deliveredSeq, member?.readSeq]).toEqual([7, 3]);
  });
});

describe('links in message text', () => {
  it('links http(s) URLs only and keeps the rest as text', async () => {
    const { linkify } = await web('format.js');
    expect(linkify('see https://example.com/a?b=1. or www.example.org, not javascript:alert(1)')).toEqual([
      { text: 'see ' },
      { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { text: '. or ' },
      { text: 'www.example.org', href: 'https://www.example.org' },
      { text: ', not javascript:alert(1)' },
    ]);
    expect(linkify('<img src=x onerror="window.__x=1">')).toEqual([{ text: '<img src=x onerror="window.__x=1">' }]);
  });
});

describe('unread counts', () => {
  it('counts a message once, however often it arrives, and own messages clear what came before', async () => {
    const { createAppState } = await web('state.js');
    const { setChats, applyMessageToChat } = await web('store.js');
    const state = createAppState();
    setChats(state, [chat([{ id: 'me' }, { id: 'u2' }])]);
    applyMessageToChat(state, msg(1), true);
    applyMessageToChat(state, msg(2), true);
    // The same message again, as a catch-up or a second socket would deliver it.
    applyMessageToChat(state, msg(2), true);
    expect(state.chats.value.c1!.unreadCount).toBe(2);
    applyMessageToChat(state, msg(3, { sender: { id: 'me', name: 'Me' } }), false);
    expect(state.chats.value.c1!).toMatchObject({ unreadCount: 0, readSeq: 3, lastSeq: 3 });
  });
});
