// REST client for /api/admin: the console's only module that calls fetch. The session is the chat
// UI's httpOnly cookie, so both pages are signed in together; the error type is the chat UI's.
import { ApiError } from 'chatflow/api.js';

export { ApiError };

/** @param {string} method @param {string} path @param {unknown} [body] */
async function request(method, path, body) {
  const headers = /** @type {Record<string,string>} */ ({ Accept: 'application/json' });
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
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

/** @param {Record<string, string|number|undefined|null>} params */
export function query(params) {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const str = s.toString();
  return str ? '?' + str : '';
}

const id = encodeURIComponent;

export const adminApi = {
  me: () => request('GET', '/api/me'),
  /** @param {{query?: string, cursor?: string|null, limit?: number}} p */
  users: (p) => request('GET', '/api/admin/users' + query({ limit: 25, ...p })),
  /** @param {{email: string, name: string, role: string}} input */
  createUser: (input) => request('POST', '/api/admin/users', input),
  /** @param {string} userId @param {{name?: string, role?: string, status?: string}} patch */
  updateUser: (userId, patch) => request('PATCH', `/api/admin/users/${id(userId)}`, patch),
  /** @param {string} userId */
  resetPassword: (userId) => request('POST', `/api/admin/users/${id(userId)}/password`, {}),
  /** @param {string} csv @param {boolean} dryRun */
  importUsers: (csv, dryRun) => request('POST', '/api/admin/users/import', { csv, dryRun }),
  /** @param {{query?: string, cursor?: string|null}} p */
  groups: (p) => request('GET', '/api/admin/groups' + query({ ...p, limit: 25 })),
  /** @param {string} groupId */
  group: (groupId) => request('GET', `/api/admin/groups/${id(groupId)}`),
  /** @param {{name: string, memberIds: string[], ownerId?: string}} input */
  createGroup: (input) => request('POST', '/api/admin/groups', input),
  /** @param {string} groupId @param {{name?: string, archived?: boolean, ownerId?: string}} patch */
  updateGroup: (groupId, patch) => request('PATCH', `/api/admin/groups/${id(groupId)}`, patch),
  /** @param {string} groupId @param {string[]} userIds */
  addMembers: (groupId, userIds) => request('POST', `/api/admin/groups/${id(groupId)}/members`, { userIds }),
  /** @param {string} groupId @param {string} userId */
  removeMember: (groupId, userId) => request('DELETE', `/api/admin/groups/${id(groupId)}/members/${id(userId)}`),
  /** @param {string} groupId */
  deleteGroup: (groupId) => request('DELETE', `/api/admin/groups/${id(groupId)}`),
  settings: () => request('GET', '/api/admin/settings'),
  /** @param {Record<string, unknown>} patch */
  updateSettings: (patch) => request('PATCH', '/api/admin/settings', patch),
  retention: () => request('GET', '/api/admin/retention'),
  runRetention: () => request('POST', '/api/admin/retention/run'),
  invites: () => request('GET', '/api/admin/invites'),
  /** @param {{expiresInDays: number, maxUses: number}} input */
  createInvite: (input) => request('POST', '/api/admin/invites', input),
  /** @param {string} inviteId */
  revokeInvite: (inviteId) => request('DELETE', `/api/admin/invites/${id(inviteId)}`),
  stats: () => request('GET', '/api/admin/stats'),
  /** @param {Record<string, string|null|undefined>} filters */
  audit: (filters) => request('GET', '/api/admin/audit' + query({ ...filters, limit: 50 })),
  auditActions: () => request('GET', '/api/admin/audit/actions'),
  /** The CSV export's address (the session cookie authorizes the download). @param {Record<string, string|null|undefined>} filters */
  auditCsvUrl: (filters) => '/api/admin/audit.csv' + query(filters),
};
