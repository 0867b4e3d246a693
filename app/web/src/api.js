// REST client for PROTOCOL.md: the only module that calls fetch. The session lives only in the
// server's httpOnly cookie, which same-origin requests carry; script never sees the token. With
// Clerk sign-in, each request carries Clerk's current session token instead (clerk-session.js).
import { clerkToken, signOutOfClerk } from './clerk-session.js';

/** An HTTP error carrying the server's stable error code. */
export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Where earlier versions kept the token: removed, so no copy outlives this version. */
export function forgetStoredToken() {
  try { localStorage.removeItem('chatflow.token'); } catch { /* private mode: nothing stored */ }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
async function request(method, path, body) {
  const headers = /** @type {Record<string,string>} */ ({ Accept: 'application/json' });
  // A form (a picture) goes as multipart, with the boundary the browser picks.
  const form = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
  const token = await clerkToken();
  if (token) headers.Authorization = 'Bearer ' + token;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : form ? /** @type {FormData} */ (body) : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached.');
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = data && data.error;
    throw new ApiError(res.status, (err && err.code) || 'http_' + res.status, (err && err.message) || res.statusText);
  }
  return data;
}

const q = (/** @type {Record<string, string|number|undefined>} */ params) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') s.set(k, String(v));
  const str = s.toString();
  return str ? '?' + str : '';
};

export const api = {
  /** @param {string} email @param {string} password */
  login: (email, password) => request('POST', '/api/auth/login', { email, password }),
  logout: () => request('POST', '/api/auth/logout').finally(signOutOfClerk),
  /** Whether and how people may create their own accounts. */
  registration: () => request('GET', '/api/auth/registration'),
  /** @param {{email: string, name: string, password: string, invite?: string}} input */
  signUp: (input) => request('POST', '/api/auth/signup', input),
  me: () => request('GET', '/api/me'),
  /** @param {{name?: string}} changes */
  updateMe: (changes) => request('PATCH', '/api/me', changes),
  /** @param {string} currentPassword @param {string} password */
  changePassword: (currentPassword, password) => request('POST', '/api/me/password', { currentPassword, password }),
  /** @param {Blob} file */
  uploadAvatar: (file) => {
    const form = new FormData();
    form.append('file', file);
    return request('PUT', '/api/me/avatar', form);
  },
  /** Whether this person may make invite links, and the ones they made. */
  invites: () => request('GET', '/api/invites'),
  /** @param {number} expiresInDays @param {number} maxUses */
  createInvite: (expiresInDays, maxUses) => request('POST', '/api/invites', { expiresInDays, maxUses }),
  /** @param {string} query */
  users: (query = '', limit = 50) => request('GET', '/api/users' + q({ query, limit })),
  chats: () => request('GET', '/api/chats'),
  presence: () => request('GET', '/api/presence'),
  /** @param {string} userId */
  createDirect: (userId) => request('POST', '/api/chats/direct', { userId }),
  /** @param {string} name @param {string[]} memberIds */
  createGroup: (name, memberIds) => request('POST', '/api/chats/groups', { name, memberIds }),
  /** @param {string} chatId @param {string} name */
  renameChat: (chatId, name) => request('PATCH', `/api/chats/${encodeURIComponent(chatId)}`, { name }),
  /** @param {string} chatId @param {string[]} userIds */
  addMembers: (chatId, userIds) => request('POST', `/api/chats/${encodeURIComponent(chatId)}/members`, { userIds }),
  /** @param {string} chatId @param {string} userId */
  removeMember: (chatId, userId) =>
    request('DELETE', `/api/chats/${encodeURIComponent(chatId)}/members/${encodeURIComponent(userId)}`),
  /** @param {string} chatId @param {{afterSeq?: number, beforeSeq?: number, limit?: number}} opts */
  messages: (chatId, opts = {}) => request('GET', `/api/chats/${encodeURIComponent(chatId)}/messages` + q(opts)),
  /** @param {string} chatId @param {number} seq */
  read: (chatId, seq) => request('POST', `/api/chats/${encodeURIComponent(chatId)}/read`, { seq }),
  /** @param {string} chatId @param {{muted?: boolean, archived?: boolean}} settings */
  setMembership: (chatId, settings) => request('PATCH', `/api/chats/${encodeURIComponent(chatId)}/membership`, settings),
  /** @param {string} messageId @param {string} body @param {string[]} mentions */
  editMessage: (messageId, body, mentions) => request('PATCH', `/api/messages/${encodeURIComponent(messageId)}`, { body, mentions }),
  /** @param {string} messageId */
  deleteMessage: (messageId) => request('DELETE', `/api/messages/${encodeURIComponent(messageId)}`),
  /** @param {string} messageId @param {string} emoji @param {boolean} add */
  react: (messageId, emoji, add) =>
    request(add ? 'PUT' : 'DELETE', `/api/messages/${encodeURIComponent(messageId)}/reactions/${encodeURIComponent(emoji)}`),
  /** The card of a message's first link, fetched by the server: `{preview}` or `{preview: null}`. @param {string} messageId */
  linkPreview: (messageId) => request('GET', `/api/messages/${encodeURIComponent(messageId)}/preview`),
  /** @param {{query: string, chatId?: string, senderId?: string, before?: string, after?: string, hasFile?: boolean, limit?: number, cursor?: string}} opts */
  search: (opts) => request('GET', '/api/search' + q({ ...opts, hasFile: opts.hasFile ? 'true' : undefined })),
};
