// Everything that changes state or talks to the server, built from one module per concern.
// Components and main.js get the single object returned here; they never do I/O themselves.
import { batch } from '@preact/signals-core';
import { api } from '../api.js';
import { createSocketClient } from '../socket.js';
import { createPeople } from './people.js';
import { createReceipts } from './receipts.js';
import { createHistory } from './history.js';
import { createChats } from './chats.js';
import { createMembership } from './membership.js';
import { createNotifications } from './notifications.js';
import { createTyping } from './typing.js';
import { createSendQueue } from './send-queue.js';
import { createIncoming } from './incoming.js';
import { createSession } from './session.js';
import { createUi } from './ui.js';
import { createMessageActions } from './message-actions.js';
import { createSearch } from './search.js';
import { createChatSettings } from './chat-settings.js';
import { createUploads } from './uploads.js';
import { createVoiceNotes } from './voice-notes.js';
import { createMediaViewer } from './media-viewer.js';
import { createProfile } from './profile.js';

/** @typedef {import('../state.js').AppState} AppState */

/**
 * @param {AppState} state
 * @param {{ loadIo: () => Promise<(opts: object) => any> }} deps
 */
export function createActions(state, deps) {
  // The socket's callbacks reach modules built below; it only calls them after socket.start(),
  // which happens at sign-in, long after this function has returned.
  const socket = createSocketClient({
    loadIo: deps.loadIo,
    fetchAfter: (chatId, afterSeq) => api.messages(chatId, { afterSeq, limit: 200 }),
    onMessages: (chatId, list, live) => incoming.ingest(chatId, list, live),
    onEvent: (name, payload) => incoming.onEvent(name, payload),
    onStatus: (s) => {
      batch(() => {
        state.connection.value = s;
        if (s === 'online') state.everConnected.value = true;
      });
    },
    onConnected,
    onSessionEnded: (reason) => void session.sessionEnded(reason),
  });

  const people = createPeople(state);
  const receipts = createReceipts(state, socket);
  const history = createHistory(state);
  const chats = createChats(state, { socket, people, receipts, history });
  const membership = createMembership(state, { chats });
  const notifications = createNotifications(state, { openChat: chats.openChat });
  const typing = createTyping(state, socket);
  const sendQueue = createSendQueue(state, { socket, typing });
  const incoming = createIncoming(state, { chats, people, receipts, typing, notifications });
  const ui = createUi(state, { people });
  const messageActions = createMessageActions(state, { socket, history, ingest: incoming.ingest, notifyFailure: notifications.showToast });
  const search = createSearch(state, { openChat: chats.openChat, jumpToMessage: messageActions.jumpToMessage });
  const chatSettings = createChatSettings(state, { notifyFailure: notifications.showToast });
  /** The reply and mentions of each chat's next message, kept until its files are uploaded and it goes out. */
  /** @type {Map<string, import('./send-queue.js').SendExtra>} */
  const nextExtra = new Map();
  const uploads = createUploads(state, {
    sendQueue: {
      ...sendQueue,
      sendMessage: (chatId, text, attachments) => {
        const extra = nextExtra.get(chatId);
        nextExtra.delete(chatId);
        return sendQueue.sendMessage(chatId, text, attachments, extra);
      },
    },
    setDraft: ui.setDraft,
  });
  const voiceNotes = createVoiceNotes(state, { sendQueue });
  const viewer = createMediaViewer(state);
  const profile = createProfile(state, { people });
  const session = createSession(state, {
    socket, people, chats, sendQueue, receipts, notifications,
    media: { clear: () => { nextExtra.clear(); uploads.clear(); voiceNotes.cancelVoice(); viewer.closeLightbox(); } },
  });

  /**
   * The composer's send: the text, the files waiting in the chat (the message waits for their
   * uploads), the message replied to and who is mentioned.
   * @param {string} chatId @param {string} text @param {import('./send-queue.js').SendExtra} [extra]
   * @returns {boolean} whether the composer can clear its text
   */
  function sendWithFiles(chatId, text, extra = {}) {
    nextExtra.set(chatId, extra);
    return uploads.send(chatId, text);
  }

  /** Catches up after every (re)connect: the queue, receipts, and what changed while away. */
  /** @param {boolean} reconnect */
  function onConnected(reconnect) {
    sendQueue.flush(true);
    receipts.acknowledgeDelivery();
    // Presence changes are only pushed to connected sockets: re-read who is online now.
    if (reconnect) void chats.refreshChats();
    else void people.loadPresence();
    void receipts.markReadIfVisible();
  }

  return {
    boot: session.boot, signIn: session.signIn, signOut: session.signOut,
    openChat: chats.openChat, closeChat: chats.closeChat, loadOlder: history.loadOlder,
    markReadIfVisible: receipts.markReadIfVisible, setPageVisible: receipts.setPageVisible,
    startDirect: membership.startDirect, createGroup: membership.createGroup, addMembers: membership.addMembers,
    removeMember: membership.removeMember, leaveChat: membership.leaveChat,
    sendMessage: sendQueue.sendMessage, retrySend: sendQueue.retrySend, discardFailed: sendQueue.discardFailed,
    typingInput: typing.typingInput, stopTyping: typing.stopTyping,
    setFilter: ui.setFilter, setSearch: ui.setSearch, setDraft: ui.setDraft, searchDirectory: people.searchDirectory,
    openDialog: ui.openDialog, toggleMembers: ui.toggleMembers,
    askConfirm: ui.askConfirm, cancelConfirm: ui.cancelConfirm, acceptConfirm: ui.acceptConfirm, setQuickSwitcher: ui.setQuickSwitcher,
    dismissClosedNotice: chats.dismissClosedNotice, loadNewer: history.loadNewer, loadLatest: history.loadLatest,
    toggleBell: notifications.toggleBell, closeBell: notifications.closeBell, dismissToast: notifications.dismissToast,
    requestNotificationPermission: notifications.requestNotificationPermission,
    ...messageActions,
    openSearch: search.openSearch, closeSearch: search.closeSearch, setSearchQuery: search.setQuery,
    setSearchScope: search.setScope, loadMoreResults: search.loadMore, openSearchResult: search.openResult,
    setMuted: chatSettings.setMuted, setArchived: chatSettings.setArchived,
    addFiles: uploads.addFiles, removeUpload: uploads.removeUpload, retryUpload: uploads.retryUpload,
    sendWithFiles, unqueueSend: uploads.unqueueSend,
    startVoice: voiceNotes.startVoice, stopVoice: voiceNotes.stopVoice, retryVoice: voiceNotes.retryVoice, cancelVoice: voiceNotes.cancelVoice,
    openLightbox: viewer.openLightbox, closeLightbox: viewer.closeLightbox, stepLightbox: viewer.stepLightbox,
    choosePassword: session.choosePassword, applyUserUpdate: people.applyUserUpdate, ...profile,
  };
}

/** @typedef {ReturnType<typeof createActions>} Actions */
