import { v5 as uuidv5 } from 'uuid';

// Fixed namespace for message ids; changing it would change every future id.
const MESSAGE_NAMESPACE = '6f1c3b52-0d5e-4d89-9a57-0c2f5e4b7a11';

/**
 * A message's id follows from its sender and client id, so a retried send gets the same id
 * before any lookup, on any replica, and the writer's de-duplication is a primary-key check.
 */
export function messageIdFor(senderId: string, clientId: string): string {
  return uuidv5(`${senderId}:${clientId}`, MESSAGE_NAMESPACE);
}
