// The real-time client: owns the Socket.IO connection, its reconnects and the catch-up that
// guarantees no gap: `chat:sync` after every (re)connect and a REST afterSeq fetch whenever a
// `message:new` or `message:updated` skips a seq. It hands every message it learns about to
// onMessages, which de-duplicates, so delivering the same message twice here is harmless.
// Edits, deletions and reactions are entries of the same log: a changed message carries the seq of
// the entry that changed it as `updateSeq`, and that seq moves the watermark like a new message's.

import { socketAuth } from './clerk-session.js';

/** @typedef {import('./state.js').Message} Message */

/** The seq of the newest log entry a message reflects. @param {Message} m */
const positionOf = (m) => Math.max(m.seq || 0, m.updateSeq || 0);

/**
 * @param {{
 *   loadIo: () => Promise<(opts: object) => any>,
 *   fetchAfter: (chatId: string, afterSeq: number) => Promise<{messages: Message[], hasMore: boolean}>,
 *   onMessages: (chatId: string, messages: Message[], live: boolean) => void,
 *   onEvent: (name: string, payload: any) => void,
 *   onStatus: (status: 'connecting'|'online'|'offline') => void,
 *   onConnected: (reconnect: boolean) => void,
 *   onSessionEnded: (reason: string) => void,
 * }} deps
 */
export function createSocketClient(deps) {
  /** Highest seq per chat up to which every message has been handed over. */
  /** @type {Map<string, number>} */
  const synced = new Map();
  /** @type {Set<string>} */
  const gapInFlight = new Set();
  /** @type {Set<string>} */
  const gapAgain = new Set();
  /** @type {any} */
  let socket = null;
  let connectedOnce = false;
  let browserOffline = typeof navigator !== 'undefined' && navigator.onLine === false;
  let closed = false;

  let loading = false;
  let loadAttempt = 0;

  /** Loads the Socket.IO client module on demand, so the rest of the UI works even if it fails to load. */
  function start() {
    closed = false;
    if (socket || loading) return;
    deps.onStatus('connecting');
    loading = true;
    deps.loadIo().then((io) => {
      loading = false;
      if (!closed && !socket) open(io);
    }, () => {
      loading = false;
      loadAttempt += 1;
      setTimeout(() => { if (!closed) start(); }, Math.min(1000 * 2 ** loadAttempt, 15000));
    });
  }

  /** @param {(opts: object) => any} io */
  function open(io) {
    // The handshake carries the session cookie, like every REST call; with Clerk sign-in, auth
    // asks for a fresh Clerk token at every (re)connect, since one lives only about a minute. The
    // features say this client makes its own notifications and sender receipts from `message:new`
    // (actions/incoming.js), so the server does not send them twice.
    socket = io({
      auth: (/** @type {(auth: object) => void} */ cb) => socketAuth((auth) => cb({ ...auth, features: ['derived-notifications', 'derived-receipts'] })),
      transports: ['websocket', 'polling'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    socket.on('connect', () => {
      deps.onStatus('online');
      const reconnect = connectedOnce;
      connectedOnce = true;
      deps.onConnected(reconnect);
      void catchUp();
    });
    socket.on('disconnect', () => deps.onStatus(browserOffline ? 'offline' : 'connecting'));
    socket.on('connect_error', (/** @type {Error} */ err) => {
      const code = err && err.message;
      // The server refused this session (PROTOCOL: unauthorized; forbidden for an untrusted page
      // or a refused sign-in link): reconnecting would only be refused again.
      if (code === 'unauthorized' || code === 'forbidden') {
        endedBy(code);
        return;
      }
      deps.onStatus(browserOffline ? 'offline' : 'connecting');
      // A refusal by the server's middleware (unavailable: a dependency is down) is not retried
      // by Socket.IO itself; try again a little later, never signing out for it.
      if (code === 'unavailable') setTimeout(() => { if (!closed && socket && !socket.connected) socket.connect(); }, 3000);
    });
    socket.on('session:ended', (/** @type {{reason?: string}} */ payload) => endedBy((payload && payload.reason) || 'logged_out'));
    socket.on('message:new', (/** @type {Message} */ m) => onLogEntry(m, m && m.seq));
    socket.on('message:updated', (/** @type {Message} */ m) => onLogEntry(m, m && m.updateSeq));
    // The server missed live events for a while (its fan-out was down): fetch what came meanwhile.
    socket.on('resync', () => void catchUp());
    for (const name of ['receipt', 'typing', 'presence', 'chat:created', 'chat:updated', 'chat:removed', 'notification', 'message:rejected', 'user:updated']) {
      socket.on(name, (/** @type {any} */ payload) => deps.onEvent(name, payload));
    }
    if (browserOffline) socket.disconnect();
  }

  /** The session is over: stop for good (no reconnects) and let the app say why. */
  /** @param {string} reason */
  function endedBy(reason) {
    if (closed) return;
    stop();
    deps.onSessionEnded(reason);
  }

  function stop() {
    closed = true;
    if (socket) socket.disconnect();
    socket = null;
    connectedOnce = false;
    synced.clear();
  }

  // Browsers keep an open WebSocket alive when the network goes away; treat "offline" as a
  // disconnect so sends queue up and the banner shows, and reconnect as soon as we are back.
  if (typeof window !== 'undefined') {
    window.addEventListener('offline', () => {
      browserOffline = true;
      if (socket) socket.disconnect();
      deps.onStatus('offline');
    });
    window.addEventListener('online', () => {
      browserOffline = false;
      if (socket && !closed && !socket.connected) {
        deps.onStatus('connecting');
        socket.connect();
      }
    });
  }

  /** @param {string} chatId @param {number} seq */
  function setSynced(chatId, seq) {
    const prev = synced.get(chatId);
    if (prev === undefined || seq > prev) synced.set(chatId, seq);
  }

  /** A message that a log entry at `position` created or changed. @param {Message} m @param {number|undefined} position */
  function onLogEntry(m, position) {
    if (!m || !m.chatId || typeof position !== 'number') return;
    const have = synced.get(m.chatId);
    deps.onMessages(m.chatId, [m], true);
    if (have === undefined) {
      synced.set(m.chatId, position);
      return;
    }
    if (position <= have) return;
    if (position === have + 1 && !gapInFlight.has(m.chatId)) {
      synced.set(m.chatId, position);
      return;
    }
    void fillGap(m.chatId);
  }

  /** Fetches everything after the synced seq of a chat, over REST, until the server has no more. */
  /** @param {string} chatId */
  async function fillGap(chatId) {
    if (gapInFlight.has(chatId)) {
      gapAgain.add(chatId);
      return;
    }
    gapInFlight.add(chatId);
    try {
      do {
        gapAgain.delete(chatId);
        for (;;) {
          const after = synced.get(chatId) || 0;
          const page = await deps.fetchAfter(chatId, after);
          const list = page.messages || [];
          if (list.length) deps.onMessages(chatId, list, true);
          const top = list.reduce((n, m) => Math.max(n, positionOf(m)), after);
          synced.set(chatId, top);
          if (!page.hasMore || !list.length) break;
        }
      } while (gapAgain.has(chatId));
    } catch (e) {
      // 404: no longer a member; the chat list refresh removes it. Anything else: try again soon.
      if (e && /** @type {any} */ (e).status === 404) synced.delete(chatId);
      else setTimeout(() => { if (!closed && synced.has(chatId)) void fillGap(chatId); }, 2000);
    } finally {
      gapInFlight.delete(chatId);
    }
  }

  async function catchUp() {
    if (!synced.size) return;
    const chats = Object.fromEntries(synced);
    const res = await emit('chat:sync', { chats }, 20000);
    if (!res.ok) {
      // not_found means none of these chats is ours any more; the chat list refresh settles it.
      if (!(res.error && res.error.code === 'not_found')) for (const chatId of Object.keys(chats)) void fillGap(chatId);
      return;
    }
    /** @type {Map<string, Message[]>} */
    const byChat = new Map();
    for (const m of res.messages || []) {
      if (!byChat.has(m.chatId)) byChat.set(m.chatId, []);
      /** @type {Message[]} */ (byChat.get(m.chatId)).push(m);
    }
    for (const [chatId, list] of byChat) {
      list.sort((a, b) => positionOf(a) - positionOf(b));
      deps.onMessages(chatId, list, true);
    }
    for (const chatId of res.notFound || []) synced.delete(chatId);
    const hasMore = res.hasMore || {};
    for (const chatId of Object.keys(chats)) {
      if (!synced.has(chatId)) continue;
      const list = byChat.get(chatId) || [];
      const from = chats[chatId];
      // The answer holds what changed after `from`, not one message per seq (several reactions to one
      // message come back as that message once), so a complete answer moves the watermark to its top.
      const top = list.reduce((n, m) => Math.max(n, positionOf(m)), from);
      if (hasMore[chatId]) {
        void fillGap(chatId);
        continue;
      }
      if (top > (synced.get(chatId) || 0) && !gapInFlight.has(chatId)) synced.set(chatId, top);
    }
  }

  /**
   * Emits with an ack; resolves with the ack, or an error result on timeout or when offline.
   * @param {string} event @param {unknown} payload @param {number} [timeoutMs]
   * @returns {Promise<any>}
   */
  function emit(event, payload, timeoutMs = 10000) {
    if (!socket || !socket.connected) {
      return Promise.resolve({ ok: false, error: { code: 'offline', message: 'Not connected.' } });
    }
    return new Promise((resolve) => {
      socket.timeout(timeoutMs).emit(event, payload, (/** @type {Error|null} */ err, /** @type {any} */ res) => {
        if (err) resolve({ ok: false, error: { code: 'timeout', message: 'The server did not answer in time.' } });
        else resolve(res || { ok: false, error: { code: 'invalid_response', message: 'Empty answer.' } });
      });
    });
  }

  /** Fire and forget (typing, receipts): dropped when offline, the next sync covers receipts. */
  /** @param {string} event @param {unknown} payload */
  function send(event, payload) {
    if (socket && socket.connected) socket.timeout(5000).emit(event, payload, () => {});
  }

  return {
    start,
    stop,
    emit,
    send,
    setSynced,
    forget: (/** @type {string} */ chatId) => { synced.delete(chatId); },
    fillGap,
    isConnected: () => !!(socket && socket.connected),
  };
}

/** @typedef {ReturnType<typeof createSocketClient>} SocketClient */
