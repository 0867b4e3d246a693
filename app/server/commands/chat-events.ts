import { presentChat } from '../presenters/chat.ts';
import { loadChatView } from '../queries/chat-views.ts';
import type { Services } from '../services.ts';

export type ChatEvent = 'chat:created' | 'chat:updated';

/** Tells each listed member about a chat, presented as that member sees it. */
export async function announceChat(services: Pick<Services, 'knex' | 'bus'>, chatId: string, event: ChatEvent, userIds: string[]) {
  const view = await loadChatView(services.knex, chatId, userIds);
  if (!view) return;
  for (const userId of userIds) services.bus.toUser(userId, event, { chat: presentChat(view, userId) });
}
