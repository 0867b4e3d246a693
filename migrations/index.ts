import type { Knex } from 'knex';
import * as initial from './20261128000000_initial.ts';
import * as messagesCreatedAt from './20261128000001_messages_created_at.ts';
import * as search from './20261201000000_search.ts';
import * as attachmentMedia from './20261201000001_attachment_media.ts';
import * as chatLogEntries from './20261201000200_chat_log_entries.ts';
import * as adminConsole from './20261201000300_admin_console.ts';
import * as accounts from './20261202000100_accounts.ts';
import * as linkPreviews from './20261202000200_link_previews.ts';

/** Every migration, by name; names sort in the order they run. Add new ones here. */
export const migrations: Record<string, Knex.Migration> = {
  '20261128000000_initial': initial,
  '20261128000001_messages_created_at': messagesCreatedAt,
  '20261201000000_search': search,
  '20261201000001_attachment_media': attachmentMedia,
  '20261201000200_chat_log_entries': chatLogEntries,
  '20261201000300_admin_console': adminConsole,
  '20261202000100_accounts': accounts,
  '20261202000200_link_previews': linkPreviews,
};
