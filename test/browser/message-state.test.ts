// The UI's state logic for acting on messages, without a DOM: updates applied in place by log
// position, pending messages keyed by sender + clientId, refused sends, reactions, mentions,
// membership notices and search snippets.
import { describe, it, expect } from 'vitest';

interface Reaction { emoji: string; count: number; me: boolean; userIds?: string[] }
interface Msg {
  id: string; chatId: string; seq: number | null; clientId: string | null; sender: { id: string; name: string }; kind: string;
  body: string; createdAt: string; status?: string; error?: string; rejected?: boolean; updateSeq?: number; editedAt?: string | null;
  deletedAt?: string | null; reactions?: Reaction[];
}
interface Chat { id: string; lastMessage: Msg | null; lastSeq: number; members: unknown[] }
interface State {
  chats: { value: Record<string, Chat> };
  messages: { value: Record<string, { items: Msg[] }> };
}
interface Person { id: string; name: string }
interface Modules {
  'state.js': { createAppState(): State };
  'store.js': {
    mergeMessages(state: State, chatId: string, list: Msg[], page?: boolean): Msg[];
    addLocalMessage(state: State, chatId: string, m: Msg): void;
    confirmLocalMessage(state: State, chatId: string, clientId: string, id: string, seq?: number): void;
    patchEntry(state: State, chatId: string, patch: { loaded?: boolean; hasMoreBefore?: boolean }): void;
    entryOf(state: State, chatId: string): { items: Msg[] };
    rejectMessage(state: State, p: { chatId: string; clientId: string; id?: string; error?: { code: string; message: string } }, myId: string): boolean;
    reactionsOf(m: Msg, myId: string): Reaction[];
    toggledReactions(m: Msg, emoji: string, add: boolean, myId: string): Reaction[];
    setChats(state: State, list: unknown[]): void;
    applyUpdateToChat(state: State, m: Msg): void;
  };
  'mentions.js': {
    mentionQueryAt(text: string, caret: number): { start: number; query: string } | null;
    matchPeople(people: Person[], query: string): Person[];
    insertMention(text: string, start: number, caret: number, name: string): { text: string; caret: number };
    mentionsIn(text: string, picked: Person[]): { mentions: string[]; mentionAll: string | null };
    splitMentions(text: string, people: Person[], group?: string | null): Array<{ text: string; mention?: string }>;
  };
  'notices.js': { noticeText(event: { type: string; actorId: string; userIds: string[]; name?: string; archived?: boolean } | null, fallback: string, nameOf: (id: string) => string): string };
  'search-snippets.js': { highlightParts(snippet: string, highlights: Array<[number, number]> | undefined, query: string): Array<{ text: string; hit: boolean }> };
}

// Plain JS modules served to the browser; imported by URL so the TypeScript checker leaves them be.
const web = <F extends keyof Modules>(file: F) =>
  import(new URL(`../../app/web/src/${file}`, import.meta.url).href) as Promise<Modules[F]>;

const bob = { id: 'u2', name: 'Bob' };
const me = { id: 'u1', name: 'Me' };
const msg = (seq: number | null, over: Partial<Msg> = {}): Msg => ({
  id: seq === null ? '' : `m${seq}`, chatId: 'c1', seq, clientId: `client-${seq}`, sender: bob, kind: 'text',
  body: `body ${seq}`, createdAt: new Date(2026, 0, 1, 10, seq ?? 59).toISOString(), updateSeq: seq ?? undefined, ...over,
});

describe('changes to messages', () => {
  it('replaces a message in place when a later log entry changed it, and ignores an older copy', async () => {
    const { createAppState } = await web('state.js');
    const { mergeMessages, entryOf } = await web('store.js');
    const state = createAppState();
    mergeMessages(state, 'c1', [msg(1), msg(2), msg(3)]);
    const edited = msg(2, { body: 'fixed typo', editedAt: '2026-01-01T11:00:00.000Z', updateSeq: 4 });
    expect(mergeMessages(state, 'c1', [edited])).toEqual([]);
    expect(entryOf(state, 'c1').items.map((m) => [m.seq, m.body])).toEqual([[1, 'body 1'], [2, 'fixed typo'], [3, 'body 3']]);
    // A history page fetched before the edit arrives late: the edit stays.
    mergeMessages(state, 'c1', [msg(2)]);
    expect(entryOf(state, 'c1').items[1]!.body).toBe('fixed typo');
    // A reaction at seq 5, then the delete at seq 6, in whatever order they arrive.
    const deleted = msg(2, { body: '', deletedAt: '2026-01-01T11:05:00.000Z', updateSeq: 6, reactions: [] });
    const reacted = msg(2, { body: 'fixed typo', updateSeq: 5, reactions: [{ emoji: '👍', count: 1, me: false, userIds: ['u3'] }] });
    mergeMessages(state, 'c1', [deleted]);
    mergeMessages(state, 'c1', [reacted]);
    expect(entryOf(state, 'c1').items[1]).toMatchObject({ body: '', updateSeq: 6 });
  });

  it('does not insert a change to a message older than what is loaded, so history keeps no hole', async () => {
    const { createAppState } = await web('state.js');
    const { mergeMessages, entryOf } = await web('store.js');
    const state = createAppState();
    mergeMessages(state, 'c1', [msg(50), msg(51)]);
    expect(mergeMessages(state, 'c1', [msg(10, { body: 'old, edited', updateSeq: 52 })])).toEqual([]);
    expect(entryOf(state, 'c1').items.map((m) => m.seq)).toEqual([50, 51]);
    // A new message that was reacted to before this client saw it is still new.
    expect(mergeMessages(state, 'c1', [msg(53, { updateSeq: 54 })]).map((m) => m.seq)).toEqual([53]);
    // A chat with nothing loaded takes no changed old message either.
    expect(mergeMessages(state, 'c2', [msg(3, { chatId: 'c2', updateSeq: 9 })])).toEqual([]);
    // A page of history is a stretch without holes: its changed messages are shown, changed.
    expect(mergeMessages(state, 'c2', [msg(3, { chatId: 'c2', updateSeq: 9 }), msg(4, { chatId: 'c2' })], true).map((m) => m.seq)).toEqual([3, 4]);
  });

  it('moves the chat preview when its last message is edited or deleted', async () => {
    const { createAppState } = await web('state.js');
    const { setChats, applyUpdateToChat } = await web('store.js');
    const state = createAppState();
    setChats(state, [{ id: 'c1', kind: 'direct', name: 'Bob', members: [], lastSeq: 3, lastMessage: msg(3), readSeq: 3, unreadCount: 0, createdAt: '' }]);
    applyUpdateToChat(state, msg(2, { body: 'not the last one', updateSeq: 4 }));
    expect(state.chats.value.c1!.lastMessage!.body).toBe('body 3');
    applyUpdateToChat(state, msg(3, { body: '', deletedAt: '2026-01-01T12:00:00.000Z', updateSeq: 5 }));
    expect(state.chats.value.c1!.lastMessage).toMatchObject({ id: 'm3', body: '', updateSeq: 5 });
  });
});

describe('pending messages', () => {
  it('keys them by sender and clientId: another user with the same clientId does not replace mine', async () => {
    const { createAppState } = await web('state.js');
    const { mergeMessages, addLocalMessage, entryOf } = await web('store.js');
    const state = createAppState();
    addLocalMessage(state, 'c1', msg(null, { clientId: 'same', sender: me, status: 'sending', body: 'mine' }));
    mergeMessages(state, 'c1', [msg(1, { clientId: 'same', sender: bob, body: 'theirs' })]);
    expect(entryOf(state, 'c1').items.map((m) => m.body)).toEqual(['theirs', 'mine']);
    mergeMessages(state, 'c1', [msg(2, { id: 'srv', clientId: 'same', sender: me, body: 'mine' })]);
    expect(entryOf(state, 'c1').items.map((m) => [m.body, m.seq, m.status])).toEqual([['theirs', 1, undefined], ['mine', 2, undefined]]);
  });

  it('shows an acked send that the writer refused as failed, with the reason, and only mine', async () => {
    const { createAppState } = await web('state.js');
    const { mergeMessages, addLocalMessage, confirmLocalMessage, rejectMessage, entryOf } = await web('store.js');
    const state = createAppState();
    mergeMessages(state, 'c1', [msg(1, { clientId: 'k1', sender: bob })]);
    addLocalMessage(state, 'c1', msg(null, { clientId: 'k1', sender: me, status: 'sending', body: 'hello' }));
    // With the Kafka log the ack has an id but no seq yet.
    confirmLocalMessage(state, 'c1', 'k1', 'id-1');
    expect(rejectMessage(state, { chatId: 'c1', clientId: 'k1', id: 'id-1', error: { code: 'forbidden', message: 'This group is archived.' } }, 'u1')).toBe(true);
    const [theirs, mine] = entryOf(state, 'c1').items;
    expect(theirs).toMatchObject({ body: 'body 1', seq: 1 });
    expect(theirs!.status).toBeUndefined();
    expect(mine).toMatchObject({ body: 'hello', status: 'failed', rejected: true, error: 'This group is archived.' });
    expect(rejectMessage(state, { chatId: 'c1', clientId: 'unknown' }, 'u1')).toBe(false);
  });
});

describe('reactions', () => {
  it('works out "me" from who reacted, and toggles mine optimistically', async () => {
    const { reactionsOf, toggledReactions } = await web('store.js');
    const m = msg(1, { reactions: [{ emoji: '👍', count: 2, me: false, userIds: ['u2', 'u1'] }, { emoji: '🎉', count: 1, me: true, userIds: ['u2'] }] });
    expect(reactionsOf(m, 'u1').map((r) => [r.emoji, r.count, r.me])).toEqual([['👍', 2, true], ['🎉', 1, false]]);
    expect(toggledReactions(m, '👍', false, 'u1').map((r) => [r.emoji, r.count, r.me])).toEqual([['👍', 1, false], ['🎉', 1, false]]);
    expect(toggledReactions(m, '🎉', true, 'u1').map((r) => [r.emoji, r.count, r.me, r.userIds])).toEqual([
      ['👍', 2, true, ['u2', 'u1']], ['🎉', 2, true, ['u2', 'u1']],
    ]);
    const once = msg(2, { reactions: [{ emoji: '❤️', count: 1, me: true, userIds: ['u1'] }] });
    expect(toggledReactions(once, '❤️', false, 'u1')).toEqual([]);
    expect(toggledReactions(msg(3), '🔥', true, 'u1')).toEqual([{ emoji: '🔥', count: 1, me: true }]);
    // Adding one I already have changes nothing.
    expect(toggledReactions(once, '❤️', true, 'u1')).toEqual(reactionsOf(once, 'u1'));
  });
});

describe('mentions', () => {
  const people = [{ id: 'a', name: 'Ann Lee' }, { id: 'b', name: 'Bo Kim' }, { id: 'c', name: 'Annika Roy' }];

  it('finds the mention being typed only at a word start', async () => {
    const { mentionQueryAt } = await web('mentions.js');
    expect(mentionQueryAt('hi @an', 6)).toEqual({ start: 3, query: 'an' });
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQueryAt('hi @Ann L', 9)).toEqual({ start: 3, query: 'Ann L' });
    expect(mentionQueryAt('mail me@example', 15)).toBeNull();
    expect(mentionQueryAt('@ann\nnext', 9)).toBeNull();
    expect(mentionQueryAt('@ ann', 5)).toBeNull();
  });

  it('ranks name prefixes first, inserts the full name and keeps only mentions still in the text', async () => {
    const { matchPeople, insertMention, mentionsIn } = await web('mentions.js');
    expect(matchPeople(people, 'ann').map((p) => p.id)).toEqual(['a', 'c']);
    expect(matchPeople(people, 'kim').map((p) => p.id)).toEqual(['b']);
    expect(matchPeople(people, 'zed')).toEqual([]);
    expect(insertMention('hi @an and more', 3, 6, 'Ann Lee')).toEqual({ text: 'hi @Ann Lee  and more', caret: 12 });
    expect(mentionsIn('hi @Ann Lee, see @all', [people[0]!, people[1]!])).toEqual({ mentions: ['a'], mentionAll: 'all' });
    expect(mentionsIn('hi @Ann Leeds', [people[0]!])).toEqual({ mentions: [], mentionAll: null });
  });

  it('splits a body into text and mentions, the longest name first', async () => {
    const { splitMentions } = await web('mentions.js');
    const list = [{ id: 'a', name: 'Ann' }, { id: 'al', name: 'Ann Lee' }];
    expect(splitMentions('ping @Ann Lee and @Ann, not x@Ann', list)).toEqual([
      { text: 'ping ' }, { text: '@Ann Lee', mention: 'al' }, { text: ' and ' }, { text: '@Ann', mention: 'a' }, { text: ', not x@Ann' },
    ]);
    expect(splitMentions('@here please', [], 'here')).toEqual([{ text: '@here', mention: 'here' }, { text: ' please' }]);
  });
});

describe('membership notices', () => {
  it('are written from the structured entry with the names people have now', async () => {
    const { noticeText } = await web('notices.js');
    const names: Record<string, string> = { u1: 'You', u2: 'Bob Stone', u3: 'Carol Diaz', u4: 'Dan Wu', u5: 'Eve Ng' };
    const nameOf = (id: string) => names[id] ?? 'Someone';
    expect(noticeText({ type: 'member.added', actorId: 'u2', userIds: ['u3', 'u4'] }, 'stale', nameOf)).toBe('Bob Stone added Carol Diaz and Dan Wu');
    expect(noticeText({ type: 'member.added', actorId: 'u1', userIds: ['u2', 'u3', 'u4', 'u5'] }, '', nameOf)).toBe('You added Bob Stone, Carol Diaz and 2 others');
    expect(noticeText({ type: 'member.removed', actorId: 'u3', userIds: ['u3'] }, '', nameOf)).toBe('Carol Diaz left');
    expect(noticeText({ type: 'member.removed', actorId: 'u2', userIds: ['u4'] }, '', nameOf)).toBe('Bob Stone removed Dan Wu');
    expect(noticeText({ type: 'chat.renamed', actorId: 'u2', userIds: [], name: 'Falcon' }, '', nameOf)).toBe('Bob Stone renamed the group to “Falcon”');
    expect(noticeText({ type: 'chat.archived', actorId: 'u2', userIds: [], archived: false }, '', nameOf)).toBe('Bob Stone reopened the group');
    expect(noticeText(null, 'Alice created the group', nameOf)).toBe('Alice created the group');
    // Someone this client does not know: the stored sentence instead of a blank.
    expect(noticeText({ type: 'member.added', actorId: 'u2', userIds: ['u9'] }, 'Bob added Zed', (id) => names[id] ?? '')).toBe('Bob added Zed');
  });
});

describe('search snippets', () => {
  it('highlights at the server’s offsets, or else the query’s words, and never passes markup through', async () => {
    const { highlightParts } = await web('search-snippets.js');
    expect(highlightParts('the quarterly report, quarterly', [[22, 31], [4, 13]], 'x')).toEqual([
      { text: 'the ', hit: false }, { text: 'quarterly', hit: true }, { text: ' report, ', hit: false }, { text: 'quarterly', hit: true },
    ]);
    // Offsets beyond the text are clipped, overlapping ones merged into what is already marked.
    expect(highlightParts('short', [[2, 99], [3, 4]], 'x')).toEqual([{ text: 'sh', hit: false }, { text: 'ort', hit: true }]);
    expect(highlightParts('Quarterly numbers, quarterly goals', [], 'quarterly')).toEqual([
      { text: 'Quarterly', hit: true }, { text: ' numbers, ', hit: false }, { text: 'quarterly', hit: true }, { text: ' goals', hit: false },
    ]);
    expect(highlightParts('<img src=x onerror=1> (a+b)', undefined, 'a+b')).toEqual([
      { text: '<img src=x onerror=1> (', hit: false }, { text: 'a+b', hit: true }, { text: ')', hit: false },
    ]);
  });
});
