// Entry point: builds the state, the actions and the socket, wires browser events, renders.
import { html, render } from 'htm/preact';
// Hooks signals into Preact's renderer: a component re-renders when a signal it read changes.
import '@preact/signals';
import { createAppState } from './state.js';
import { createActions } from './actions/index.js';
import { showUnreadInTitle } from './actions/notifications.js';
import { AppContext } from './components/context.js';
import { App } from './components/App.js';

const state = createAppState();
let ioAttempt = 0;
// Loaded lazily: sign-in and history still work while the real-time client is unavailable.
// A failed module import is remembered by URL, so a retry asks for a fresh URL.
const loadIo = () =>
  import(`/socket.io/socket.io.esm.min.js${ioAttempt++ ? `?retry=${ioAttempt}` : ''}`).then((m) => m.io);
const actions = createActions(state, { loadIo });

showUnreadInTitle(state);

state.pageVisible.value = document.visibilityState !== 'hidden';
document.addEventListener('visibilitychange', () => actions.setPageVisible(document.visibilityState !== 'hidden'));

render(html`<${AppContext.Provider} value=${{ state, actions }}><${App} /><//>`, /** @type {HTMLElement} */ (document.getElementById('app')));

void actions.boot();
