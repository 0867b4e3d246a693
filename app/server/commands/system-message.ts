import { randomUUID } from 'node:crypto';
import { messageIdFor } from '../pipeline/message-ids.ts';
import type { Services } from '../services.ts';

/** Membership changes are entries of the chat's log, so catch-up brings them like any message. */
export async function appendSystemMessage(services: Pick<Services, 'log' | 'logger'>, chatId: string, actorId: string, body: string) {
  const clientId = `system:${randomUUID()}`;
  try {
    await services.log.append({
      id: messageIdFor(actorId, clientId),
      chatId,
      senderId: actorId,
      clientId,
      kind: 'system',
      body,
      attachmentIds: [],
      acceptedAt: new Date().toISOString(),
    });
  } catch (error) {
    // The change itself is committed; a lost notice must not fail the request.
    services.logger.warn({ err: error, chatId }, 'system message not appended');
  }
}
