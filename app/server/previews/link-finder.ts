// The same shape of link the web UI turns into an anchor (format.js), http(s) only.
const LINK = /\bhttps?:\/\/[^\s<>"']+/i;
const MAX_URL_LENGTH = 2_048;

/**
 * The first http(s) link of a message body, as a URL, or null. Other schemes (javascript:, file:,
 * ftp:) are never links here, so they never get a preview.
 */
export function firstHttpLink(body: string): URL | null {
  const match = body.match(LINK);
  if (!match) return null;
  let text = match[0];
  // Closing punctuation that ends a sentence is not part of the link (unless it closes a bracket in it).
  const trail = text.match(/[.,!?;:)\]]+$/);
  if (trail && !(trail[0].startsWith(')') && text.includes('('))) text = text.slice(0, -trail[0].length);
  if (text.length > MAX_URL_LENGTH) return null;
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
