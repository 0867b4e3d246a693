import type { User } from '../models/user.ts';
import { messageIdFor } from '../pipeline/message-ids.ts';
import { authorizeAttachmentsToSend } from '../policies/attachment-policy.ts';
import type { SendMessageInput } from '../schemas/message-schemas.ts';
import type { Services } from '../services.ts';

/**
 * Accepts one message into the log for a member (callers check membership). The sender is always
 * the verified user; the id follows from sender + clientId, so a retry returns the same id.
 */
export async function sendMessage(services: Services, sender: User, input: SendMessageInput) {
  await services.limits.consume('send', sender.id);
  const attachmentIds = input.attachmentIds ?? [];
  const id = messageIdFor(sender.id, input.clientId);
  await authorizeAttachmentsToSend(services.knex, sender.id, id, attachmentIds);
  const { seq } = await services.log.append({
    id,
    chatId: input.chatId,
    senderId: sender.id,
    clientId: input.clientId,
    kind: attachmentIds.length > 0 ? 'media' : 'text',
    body: input.body ?? '',
    attachmentIds,
    acceptedAt: new Date().toISOString(),
  });
  return { clientId: input.clientId, id, ...(seq !== undefined ? { seq } : {}) };
}
