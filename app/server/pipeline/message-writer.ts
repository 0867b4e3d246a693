import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { mediaPreview } from '../presenters/attachment.ts';
import { presentMessage, type MessageRecord, type PresentedAttachment } from '../presenters/message.ts';
import type { RealtimeBus } from '../realtime/realtime-bus.ts';
import { lockBatchAttachments, type AttachmentClaims } from './attachment-claims.ts';
import { ARCHIVED_MESSAGE, type LogRecord, type WriteOutcome } from './log-record.ts';

interface ChatState {
  id: string;
  kind: 'direct' | 'group';
  name: string | null;
  lastSeq: number;
  archivedAt: Date | null;
}

const NOTIFICATION_BODY_LENGTH = 140;
// Rows per INSERT statement: 8 columns each stays far below PostgreSQL's 65,535 parameters.
const INSERT_CHUNK = 1000;

/**
 * The single writer of the message path: takes a batch of log records, drops duplicates, assigns
 * contiguous per-chat seqs and writes the whole batch in one transaction; only after the commit
 * does anyone hear about it. Replaying a batch is harmless: ids are deterministic.
 */
export class MessageWriter {
  constructor(
    private readonly knex: Knex,
    private readonly bus: RealtimeBus,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  async writeBatch(records: LogRecord[]): Promise<WriteOutcome[]> {
    if (records.length === 0) return [];
    const now = new Date();
    const stopTimer = this.metrics.batchSeconds.startTimer();
    const { outcomes, written, chats, attachments } = await this.knex.transaction((trx) => this.persist(trx, records, now));
    stopTimer();
    this.metrics.messagesWritten.inc(written.length);
    this.announce(written, chats, attachments);
    return outcomes;
  }

  private async persist(trx: Knex.Transaction, records: LogRecord[], now: Date) {
    const chatIds = [...new Set(records.map((r) => r.chatId))].sort();
    // Row locks in a fixed order: writers on other replicas wait instead of deadlocking.
    const chatRows = await trx('chats').whereIn('id', chatIds).orderBy('id').forUpdate().select<ChatState[]>('id', 'kind', 'name', 'lastSeq', 'archivedAt');
    const chats = new Map(chatRows.map((c) => [c.id, { ...c, muted: [] as string[] }]));
    const senderIds = [...new Set(records.map((r) => r.senderId))];
    // One connection runs one query at a time: sequential awaits, not Promise.all.
    const memberRows = await trx('chatMembers').whereIn('chatId', chatIds).whereIn('userId', senderIds).select<{ chatId: string; userId: string }[]>('chatId', 'userId');
    const existingRows = await trx('messages').whereIn('id', records.map((r) => r.id)).select<{ id: string; seq: number }[]>('id', 'seq');
    const senderRows = await trx('users').whereIn('id', senderIds).select<{ id: string; name: string }[]>('id', 'name');
    const members = new Set(memberRows.map((m) => `${m.chatId}:${m.userId}`));
    const seen = new Map(existingRows.map((m) => [m.id, m.seq]));
    const senderNames = new Map(senderRows.map((s) => [s.id, s.name]));
    const attachments = await lockBatchAttachments(trx, records);

    const outcomes: WriteOutcome[] = [];
    const written: MessageRecord[] = [];
    for (const record of records) {
      const earlier = seen.get(record.id);
      if (earlier !== undefined) {
        outcomes.push({ status: 'duplicate', id: record.id, seq: earlier });
        continue;
      }
      const chat = chats.get(record.chatId);
      // System notices come only from server commands, which authorized the change themselves
      // (an admin outside the group, a member who just left); they also mark archiving.
      const system = record.kind === 'system';
      if (!chat || (!system && !members.has(`${record.chatId}:${record.senderId}`))) {
        outcomes.push({ status: 'rejected', id: record.id, code: 'not_found', message: 'Chat not found.' });
        continue;
      }
      if (chat.archivedAt && !system) {
        outcomes.push({ status: 'rejected', id: record.id, code: 'forbidden', message: ARCHIVED_MESSAGE });
        continue;
      }
      const refusal = attachments.refuse(record);
      if (refusal) {
        outcomes.push({ status: 'rejected', id: record.id, code: 'not_found', message: refusal });
        continue;
      }
      chat.lastSeq += 1;
      seen.set(record.id, chat.lastSeq);
      outcomes.push({ status: 'written', id: record.id, seq: chat.lastSeq });
      written.push({
        id: record.id,
        chatId: record.chatId,
        seq: chat.lastSeq,
        clientId: record.clientId,
        senderId: record.senderId,
        senderName: senderNames.get(record.senderId) ?? null,
        kind: record.kind,
        body: record.body,
        createdAt: now,
        editedAt: null,
        deletedAt: null,
      });
    }
    if (written.length === 0) return { outcomes, written, chats, attachments };

    const rows = written.map((m) => ({ id: m.id, chatId: m.chatId, seq: m.seq, senderId: m.senderId, clientId: m.clientId, kind: m.kind, body: m.body, createdAt: now }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx('messages').insert(rows.slice(i, i + INSERT_CHUNK));
    const lastByChat = new Map<string, MessageRecord>();
    const lastBySender = new Map<string, MessageRecord>();
    for (const message of written) {
      lastByChat.set(message.chatId, message);
      lastBySender.set(`${message.chatId}:${message.senderId}`, message);
    }
    const lasts = [...lastByChat.values()];
    await trx.raw(
      `UPDATE chats c SET last_seq = v.seq, last_message_id = v.id, last_message_at = v.at, updated_at = v.at
         FROM unnest(?::uuid[], ?::bigint[], ?::uuid[], ?::timestamptz[]) AS v(chat_id, seq, id, at)
        WHERE c.id = v.chat_id`,
      [lasts.map((m) => m.chatId), lasts.map((m) => m.seq), lasts.map((m) => m.id), lasts.map(() => now)],
    );
    // Sending a message means one has seen the chat up to it.
    const own = [...lastBySender.values()];
    await trx.raw(
      `UPDATE chat_members cm SET read_seq = GREATEST(cm.read_seq, v.seq), delivered_seq = GREATEST(cm.delivered_seq, v.seq)
         FROM unnest(?::uuid[], ?::uuid[], ?::bigint[]) AS v(chat_id, user_id, seq)
        WHERE cm.chat_id = v.chat_id AND cm.user_id = v.user_id`,
      [own.map((m) => m.chatId), own.map((m) => m.senderId!), own.map((m) => m.seq)],
    );
    await this.attach(trx, records, new Set(written.map((m) => m.id)));
    const mutedRows = await trx('chatMembers').whereIn('chatId', [...lastByChat.keys()]).where({ muted: true }).select<{ chatId: string; userId: string }[]>('chatId', 'userId');
    for (const row of mutedRows) chats.get(row.chatId)!.muted.push(row.userId);
    return { outcomes, written, chats, attachments };
  }

  /** Binds uploaded files to their message; only the uploader's own, not yet sent files bind. */
  private async attach(trx: Knex.Transaction, records: LogRecord[], writtenIds: Set<string>) {
    const pairs = records.filter((r) => writtenIds.has(r.id)).flatMap((r) => r.attachmentIds.map((a) => ({ a, m: r.id, u: r.senderId })));
    if (pairs.length === 0) return;
    await trx.raw(
      `UPDATE attachments a SET message_id = v.message_id
         FROM unnest(?::uuid[], ?::uuid[], ?::uuid[]) AS v(id, message_id, uploader_id)
        WHERE a.id = v.id AND a.uploader_id = v.uploader_id AND a.message_id IS NULL`,
      [pairs.map((p) => p.a), pairs.map((p) => p.m), pairs.map((p) => p.u)],
    );
  }

  /** Fan-out of what is now durable, in seq order per chat. */
  private announce(written: MessageRecord[], chats: Map<string, ChatState & { muted: string[] }>, attachments: AttachmentClaims) {
    const ownReceipts = new Map<string, MessageRecord>();
    for (const message of written) {
      const presented = presentMessage(message, attachments.presented(message.id));
      this.bus.toChat(message.chatId, 'message:new', presented);
      const chat = chats.get(message.chatId)!;
      if (message.senderId && message.kind !== 'system') {
        this.bus.toChat(message.chatId, 'notification', notificationFor(chat, message, presented.attachments), [message.senderId, ...chat.muted]);
        ownReceipts.set(`${message.chatId}:${message.senderId}`, message);
      }
    }
    for (const message of ownReceipts.values()) {
      this.bus.toChat(message.chatId, 'receipt', { chatId: message.chatId, userId: message.senderId, deliveredSeq: message.seq, readSeq: message.seq });
    }
    this.logger.debug({ count: written.length }, 'batch written');
  }
}

function notificationFor(chat: ChatState, message: MessageRecord, attachments: PresentedAttachment[]) {
  const sender = message.senderName ?? 'Someone';
  const text = message.body.length > NOTIFICATION_BODY_LENGTH ? `${message.body.slice(0, NOTIFICATION_BODY_LENGTH - 1)}…` : message.body;
  const body = text || mediaPreview(attachments);
  return chat.kind === 'group'
    ? { chatId: chat.id, messageId: message.id, title: chat.name ?? 'Group', body: `${sender}: ${body}` }
    : { chatId: chat.id, messageId: message.id, title: sender, body };
}
