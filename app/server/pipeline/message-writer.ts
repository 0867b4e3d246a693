import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { presentMessage, type PresentedAttachment } from '../presenters/message.ts';
import { attachmentsByMessage } from '../queries/message-attachments.ts';
import type { RealtimeBus } from '../realtime/realtime-bus.ts';
import { derivesReceiptsRoom } from '../realtime/rooms.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import { lockBatchAttachments } from './attachment-claims.ts';
import type { LogRecord, MessageCreatedRecord, WriteOutcome } from './log-record.ts';
import { notifyNewMessage } from './notifications.ts';
import { applyEntry } from './writer/entry-appliers.ts';
import { snapshotOf, WriterBatch, type HeldMessage, type WrittenEntry } from './writer/writer-batch.ts';

export interface WriteOptions {
  /**
   * The records were acked before this write (the Kafka log): a refused send reaches its sender's
   * devices as `message:rejected`, since nobody is waiting for the outcome.
   */
  announceRejections?: boolean;
}

/** Removes stored files (and thumbnails) of deleted messages once their rows are gone. */
export type StoredMediaRemover = (storageKeys: string[]) => Promise<void>;

/**
 * The single writer of every chat's log: takes a batch of entries, drops duplicates, applies each
 * entry (one small apply per type, each re-checking its policy against the locked rows), assigns
 * contiguous per-chat seqs and writes the whole batch in one transaction; only after the commit
 * does anyone hear about it. Replaying a batch is harmless: entry ids are deterministic.
 */
export class MessageWriter {
  constructor(
    private readonly knex: Knex,
    private readonly bus: RealtimeBus,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly settings: Pick<SettingsService, 'get'>,
    private readonly removeStoredMedia?: StoredMediaRemover,
  ) {}

  async writeBatch(records: LogRecord[], options: WriteOptions = {}): Promise<WriteOutcome[]> {
    if (records.length === 0) return [];
    const now = new Date();
    const { editWindowMinutes } = await this.settings.get();
    const stopTimer = this.metrics.batchSeconds.startTimer();
    const { outcomes, batch, removedMediaKeys, attachments } = await this.knex.transaction((trx) => this.persist(trx, records, now, editWindowMinutes));
    stopTimer();
    this.metrics.messagesWritten.inc(batch.createdRecords().length);
    this.announce(batch, attachments);
    if (options.announceRejections) this.announceRejections(records, outcomes);
    if (removedMediaKeys.length > 0) await this.removeMedia(removedMediaKeys);
    return outcomes;
  }

  private async persist(trx: Knex.Transaction, records: LogRecord[], now: Date, editWindowMinutes: number | null) {
    const batch = await WriterBatch.load(trx, records, now);
    const claims = await lockBatchAttachments(trx, records);
    const outcomes: WriteOutcome[] = [];
    for (const record of records) {
      const earlier = batch.stored.get(record.id);
      if (earlier !== undefined) {
        outcomes.push({ status: 'duplicate', id: record.id, seq: earlier });
        continue;
      }
      const chat = batch.chats.get(record.chatId);
      if (!chat) {
        outcomes.push({ status: 'rejected', id: record.id, code: 'not_found', message: 'Chat not found.' });
        continue;
      }
      // Checked before applying: two sends racing for one upload get it once, the other is refused.
      const refusal = record.type === 'message.created' ? claims.refuse(record) : null;
      if (refusal) {
        outcomes.push({ status: 'rejected', id: record.id, code: 'not_found', message: refusal });
        continue;
      }
      const seq = chat.lastSeq + 1;
      const applied = applyEntry(record, { batch, chat, seq, editWindowMinutes });
      if (applied.status === 'refused') {
        outcomes.push({ status: 'rejected', id: record.id, code: applied.decision.code, message: applied.decision.message });
        continue;
      }
      if (applied.status === 'unchanged') {
        outcomes.push({ status: 'unchanged', id: record.id });
        continue;
      }
      chat.lastSeq = seq;
      batch.stored.set(record.id, seq);
      batch.record({ record, seq, snapshot: snapshotOf(applied.message) });
      outcomes.push({ status: 'written', id: record.id, seq });
    }
    const attachments = new Map<string, PresentedAttachment[]>();
    if (batch.written.length === 0) return { outcomes, batch, removedMediaKeys: [], attachments };
    const { removedMediaKeys } = await batch.flush(trx);
    await this.attach(trx, batch.keptRecords());
    // Broadcasts carry attachments: new messages' from the claims, changed media messages' loaded once.
    const changedMedia = [...new Set(batch.written.filter((e) => e.record.type !== 'message.created' && e.snapshot.kind === 'media').map((e) => e.snapshot.id))];
    for (const [id, list] of await attachmentsByMessage(trx, changedMedia)) attachments.set(id, list);
    for (const record of batch.keptRecords()) {
      const claimed = claims.presented(record.id);
      if (claimed) attachments.set(record.id, claimed);
    }
    return { outcomes, batch, removedMediaKeys, attachments };
  }

  /** Binds uploaded files to their message; only the uploader's own, not yet sent files bind. */
  private async attach(trx: Knex.Transaction, created: MessageCreatedRecord[]) {
    const pairs = created.flatMap((r) => r.attachmentIds.map((a) => ({ a, m: r.id, u: r.actorId })));
    if (pairs.length === 0) return;
    await trx.raw(
      `UPDATE attachments a SET message_id = v.message_id
         FROM unnest(?::uuid[], ?::uuid[], ?::uuid[]) AS v(id, message_id, uploader_id)
        WHERE a.id = v.id AND a.uploader_id = v.uploader_id AND a.message_id IS NULL`,
      [pairs.map((p) => p.a), pairs.map((p) => p.m), pairs.map((p) => p.u)],
    );
  }

  /**
   * Fan-out of what is now durable, one event per entry in seq order per chat: `message:new` for a
   * new message or notice, `message:updated` (with `updateSeq`) for a change.
   */
  private announce(batch: WriterBatch, attachments: Map<string, PresentedAttachment[]>) {
    const ownReceipts = new Map<string, WrittenEntry>();
    for (const entry of batch.written) {
      const { record, snapshot } = entry;
      const chat = batch.chats.get(record.chatId)!;
      if (record.type === 'message.created' || snapshot.seq === entry.seq) {
        const media = attachments.get(snapshot.id) ?? [];
        this.bus.toChat(record.chatId, 'message:new', presentMessage(snapshot, media));
        if (record.type === 'message.created') notifyNewMessage(this.bus, chat, snapshot, media);
      } else {
        this.announceUpdate(batch, snapshot, attachments.get(snapshot.id) ?? []);
      }
      if (batch.isMember(record.chatId, record.actorId)) ownReceipts.set(`${record.chatId}:${record.actorId}`, entry);
    }
    for (const { record, seq } of ownReceipts.values()) {
      // A new message says the same (its sender has read up to its seq) to sockets that derive it.
      const derivable = record.type === 'message.created' ? [derivesReceiptsRoom] : [];
      this.bus.toChat(record.chatId, 'receipt', { chatId: record.chatId, userId: record.actorId, deliveredSeq: seq, readSeq: seq }, [], derivable);
    }
    this.logger.debug({ count: batch.written.length }, 'batch written');
  }

  /**
   * `me` of reactions differs per recipient: members who reacted get their own copy, everyone else
   * one room-wide copy where nobody's reactions are "me". 1 + (members who reacted) emits.
   */
  private announceUpdate(batch: WriterBatch, snapshot: HeldMessage, media: PresentedAttachment[]) {
    const reactors = [...new Set(snapshot.reactions.flatMap((g) => g.userIds))].filter((id) => batch.reactorMembers.has(`${snapshot.chatId}:${id}`));
    this.bus.toChat(snapshot.chatId, 'message:updated', presentMessage(snapshot, media), reactors);
    for (const userId of reactors) this.bus.toUser(userId, 'message:updated', presentMessage(snapshot, media, userId));
  }

  private announceRejections(records: LogRecord[], outcomes: WriteOutcome[]) {
    outcomes.forEach((outcome, i) => {
      const record = records[i]!;
      if (outcome.status !== 'rejected') return;
      this.logger.info({ id: outcome.id, type: record.type, code: outcome.code }, 'the writer refused a logged entry');
      if (record.type !== 'message.created') return;
      this.bus.toUser(record.actorId, 'message:rejected', {
        chatId: record.chatId,
        clientId: record.clientId,
        id: record.id,
        error: { code: outcome.code, message: outcome.message },
      });
    });
  }

  /** The deleted messages' files: their rows are gone; the media store removes the objects. */
  private async removeMedia(storageKeys: string[]) {
    if (!this.removeStoredMedia) {
      this.logger.info({ count: storageKeys.length }, 'stored files of deleted messages await removal by the media store');
      return;
    }
    await this.removeStoredMedia(storageKeys).catch((error: unknown) => this.logger.warn({ err: error, count: storageKeys.length }, 'removing stored files of deleted messages failed'));
  }
}
