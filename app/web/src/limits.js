// Limits the server enforces, mirrored so the UI can refuse early instead of failing after a round trip.

/** Longest message body, in characters (server: MAX_BODY_LENGTH in message-schemas.ts). */
export const MAX_BODY = 8000;
