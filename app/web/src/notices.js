// Membership notices are structured log entries; the sentence is written here, when shown, with
// the names people have now (a renamed user appears under the new name in old notices too).

/** @typedef {import('./state.js').SystemEvent} SystemEvent */

/** "Ann", "Ann and Bo", "Ann, Bo and 2 others". @param {string[]} names */
function listOf(names) {
  if (names.length <= 1) return names[0] || 'someone';
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]}`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} others`;
}

/**
 * @param {SystemEvent|null|undefined} event @param {string} fallback the stored sentence (older notices)
 * @param {(userId: string) => string} nameOf the current name of a user ("You" for oneself), "" when unknown
 */
export function noticeText(event, fallback, nameOf) {
  if (!event || !event.type) return fallback;
  const actor = nameOf(event.actorId);
  const users = (event.userIds || []).map(nameOf);
  // Someone this client does not know (not in the directory it loaded): the stored sentence names them.
  if (fallback && (!actor || users.some((n) => !n))) return fallback;
  switch (event.type) {
    case 'member.added':
      return `${actor} added ${listOf(users)}`;
    case 'member.removed':
      if (event.userIds.length === 1 && event.userIds[0] === event.actorId) return `${actor} left`;
      return `${actor} removed ${listOf(users)}`;
    case 'chat.renamed':
      return `${actor} renamed the group to “${event.name || ''}”`;
    case 'chat.archived':
      return event.archived === false ? `${actor} reopened the group` : `${actor} archived the group`;
    default:
      return fallback;
  }
}
