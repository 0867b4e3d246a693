import type { Knex } from 'knex';
import type { ChatKind } from '../models/chat.ts';
import type { MessageRecord } from '../presenters/message.ts';
import type { SearchCursor, SearchInput } from '../schemas/search-schemas.ts';
import { MESSAGE_COLUMNS } from './message-history.ts';

export interface SearchHit {
  message: MessageRecord;
  chat: { id: string; name: string; kind: ChatKind };
  /** Plain text; `highlights` are [start, end) offsets into it (UTF-16 code units, as JS strings index). */
  snippet: string;
  highlights: [number, number][];
  cursor: SearchCursor;
}

// Marker characters ts_headline wraps matches in; they are stripped from bodies first, so a body
// cannot fake a highlight, and the snippet leaves here as plain text plus offsets.
const START = '\u0002';
const STOP = '\u0003';
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxFragments=2, MaxWords=24, MinWords=10, FragmentDelimiter=" … "`;
const PLAIN_SNIPPET_LENGTH = 160;

/**
 * websearch_to_tsquery gives people the syntax they know ("quoted phrase", -not, or). The last
 * word also matches as a prefix, so results appear while a word is still being typed; not when it
 * is negated, quoted or the operator "or".
 */
export function endsWithBareWord(query: string): boolean {
  const last = query.split(/\s+/).pop() ?? '';
  const quotes = (query.match(/"/g) ?? []).length;
  return /[\p{L}\p{N}]$/u.test(last) && !last.startsWith('-') && quotes % 2 === 0 && last.toLowerCase() !== 'or';
}

function tsQuery(knex: Knex, query: string): Knex.Raw {
  if (!endsWithBareWord(query)) return knex.raw(`websearch_to_tsquery('simple', ?)`, [query]);
  return knex.raw(`to_tsquery('simple', regexp_replace(websearch_to_tsquery('simple', ?)::text, '''$', ''':*'))`, [query]);
}

/** Splits a headline into plain text and the offsets of the marked words. */
export function parseHeadline(headline: string): { snippet: string; highlights: [number, number][] } {
  let snippet = '';
  const highlights: [number, number][] = [];
  let open: number | undefined;
  for (const char of headline) {
    if (char === START) open = snippet.length;
    else if (char === STOP) {
      if (open !== undefined && snippet.length > open) highlights.push([open, snippet.length]);
      open = undefined;
    } else snippet += char;
  }
  return { snippet, highlights };
}

interface HitRow extends MessageRecord {
  rank: number;
  cursorAt: string;
  chatName: string | null;
  chatKind: ChatKind;
  headline: string | null;
}

/**
 * One page of the viewer's search as a query: only messages of chats the viewer is a member of
 * (joined in SQL, so another chat's rows never leave the database), never deleted ones nor system
 * notices. Ranked by ts_rank, then newest first, with a keyset cursor over (rank, created_at, id).
 * Without words, every message passing the filters matches with rank 0: newest first.
 */
export function searchQuery(knex: Knex, viewerId: string, input: SearchInput): Knex.QueryBuilder {
  const query = input.query !== '' ? tsQuery(knex, input.query) : null;
  const rank = query ? knex.raw('ts_rank(m.search_vector, q.query)') : knex.raw('0::real');
  const headline = query
    ? knex.raw(`ts_headline('simple', translate(m.body, ?, ''), q.query, ?)`, [START + STOP, HEADLINE_OPTIONS])
    : knex.raw('NULL::text');

  const search = knex('chatMembers as me')
    .join('messages as m', 'm.chatId', 'me.chatId')
    .join('chats as c', 'c.id', 'm.chatId')
    .leftJoin('users as u', 'u.id', 'm.senderId')
    .where('me.userId', viewerId)
    // The same predicates as the partial GIN index, so the planner can use it.
    .whereNull('m.deletedAt')
    .whereNot('m.kind', 'system');
  if (query) search.crossJoin(knex.raw('(SELECT ? AS query) AS q', [query])).whereRaw('m.search_vector @@ q.query');
  if (input.chatId) search.where('m.chatId', input.chatId);
  if (input.senderId) search.where('m.senderId', input.senderId);
  if (input.before) search.where('m.createdAt', '<', input.before);
  if (input.after) search.where('m.createdAt', '>=', input.after);
  if (input.hasFile !== undefined) {
    const files = knex('attachments as a').select(knex.raw('1')).whereRaw('a.message_id = m.id');
    if (input.hasFile) search.whereExists(files);
    else search.whereNotExists(files);
  }
  if (input.cursor) {
    search.whereRaw('(?, m.created_at, m.id) < (?::real, ?::timestamptz, ?::uuid)', [rank, input.cursor.rank, input.cursor.createdAt, input.cursor.id]);
  }
  return search
    .orderByRaw('? DESC, m.created_at DESC, m.id DESC', [rank])
    .limit(input.limit + 1)
    .select([
      ...MESSAGE_COLUMNS,
      // As the viewer sees it: a direct chat is named after the other person.
      knex.raw(`CASE WHEN c.kind = 'direct'
                  THEN (SELECT ou.name FROM chat_members om JOIN users ou ON ou.id = om.user_id
                         WHERE om.chat_id = c.id AND om.user_id <> me.user_id LIMIT 1)
                  ELSE c.name END AS "chatName"`),
      'c.kind as chatKind',
      knex.raw('? AS rank', [rank]),
      // Text, not a Date: a cursor must keep the microseconds PostgreSQL stores.
      knex.raw('m.created_at::text AS "cursorAt"'),
      knex.raw('? AS headline', [headline]),
    ]);
}

/** One page of results; `hasMore` when a further page exists. */
export async function searchMessages(knex: Knex, viewerId: string, input: SearchInput): Promise<{ hits: SearchHit[]; hasMore: boolean }> {
  const rows = (await searchQuery(knex, viewerId, input)) as HitRow[];
  const hits = rows.slice(0, input.limit).map((row): SearchHit => {
    const { rank, cursorAt, chatName, chatKind, headline, ...message } = row;
    const text = headline !== null ? parseHeadline(headline) : { snippet: plainSnippet(message.body), highlights: [] };
    return {
      message,
      chat: { id: message.chatId, name: chatName ?? (chatKind === 'direct' ? 'Direct chat' : 'Group'), kind: chatKind },
      ...text,
      cursor: { rank, createdAt: cursorAt, id: message.id },
    };
  });
  return { hits, hasMore: rows.length > input.limit };
}

function plainSnippet(body: string): string {
  return body.length > PLAIN_SNIPPET_LENGTH ? `${body.slice(0, PLAIN_SNIPPET_LENGTH - 1)}…` : body;
}
