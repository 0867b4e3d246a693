import { randomUUID } from 'node:crypto';
import type { LogRecord } from '../pipeline/log-record.ts';
import { messageIdFor } from '../pipeline/message-ids.ts';
import type { Services } from '../services.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A membership notice as commands describe it: its type, its facts and the plain sentence. */
export type Notice = DistributiveOmit<Extract<LogRecord, { type: 'member.added' | 'member.removed' | 'chat.renamed' | 'chat.archived' }>, 'id' | 'chatId' | 'actorId' | 'acceptedAt' | 'clientId'>;

/** Membership changes are entries of the chat's log, so catch-up brings them like any message. */
export async function appendNotice(services: Pick<Services, 'log' | 'logger'>, chatId: string, actorId: string, notice: Notice) {
  const clientId = `system:${randomUUID()}`;
  try {
    await services.log.append({ ...notice, id: messageIdFor(actorId, clientId), chatId, actorId, clientId, acceptedAt: new Date().toISOString() } as LogRecord);
  } catch (error) {
    // The change itself is committed; a lost notice must not fail the request.
    services.logger.warn({ err: error, chatId }, 'system message not appended');
  }
}
