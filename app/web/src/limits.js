// Limits the server enforces, mirrored so the UI can refuse early instead of failing after a round trip.

/** Longest message body, in characters (server: MAX_BODY_LENGTH in message-schemas.ts). */
export const MAX_BODY = 8000;

/** Most files one message can carry (server: MAX_ATTACHMENTS in message-schemas.ts). */
export const MAX_ATTACHMENTS = 10;
