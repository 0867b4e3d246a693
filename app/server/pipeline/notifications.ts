import { mediaPreview } from '../presenters/attachment.ts';
import type { MessageRecord, PresentedAttachment } from '../presenters/message.ts';
import type { RealtimeBus } from '../realtime/realtime-bus.ts';

const NOTIFICATION_BODY_LENGTH = 140;

interface NotifiedChat {
  id: string;
  kind: 'direct' | 'group';
  name: string | null;
  /** Members who muted the chat: they hear of a message only when it mentions them. */
  muted: string[];
}

/**
 * The one source of `notification` events: everyone in the chat but the sender and those who
 * muted it; a mention reaches the mentioned person even in a muted chat (`mention: true`), and
 * @all / @here reach every member. 1 + (number of people mentioned) emits per message. Sockets
 * that declared `derived-notifications` make their own from the `message:new` of their chats.
 */
export function notifyNewMessage(bus: RealtimeBus, chat: NotifiedChat, message: MessageRecord, attachments: PresentedAttachment[] = []): void {
  if (!message.senderId || message.kind === 'system') return;
  const payload = notificationFor(chat, message, attachments);
  if (message.mentionAll) {
    bus.notifyChat(chat.id, { ...payload, mention: true }, [message.senderId]);
    return;
  }
  const mentioned = (message.mentions ?? []).filter((id) => id !== message.senderId);
  bus.notifyChat(chat.id, { ...payload, mention: false }, [message.senderId, ...chat.muted, ...mentioned]);
  for (const userId of mentioned) bus.notifyUser(userId, chat.id, { ...payload, mention: true });
}

function notificationFor(chat: NotifiedChat, message: MessageRecord, attachments: PresentedAttachment[]) {
  const sender = message.senderName ?? 'Someone';
  const text = message.body.length > NOTIFICATION_BODY_LENGTH ? `${message.body.slice(0, NOTIFICATION_BODY_LENGTH - 1)}…` : message.body;
  // "Photo", "Voice message", a file name: what the chat list's preview says too.
  const body = text || mediaPreview(attachments);
  return chat.kind === 'group'
    ? { chatId: chat.id, messageId: message.id, title: chat.name ?? 'Group', body: `${sender}: ${body}` }
    : { chatId: chat.id, messageId: message.id, title: sender, body };
}
