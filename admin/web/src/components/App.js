// The console's frame: who is signed in, the page navigation, the live status region.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { Avatar } from 'chatflow/components/Avatar.js';
import { adminApi, ApiError } from '../admin-api.js';
import { status } from '../status.js';
import { Dashboard } from '../pages/Dashboard.js';
import { People } from '../pages/People.js';
import { Groups } from '../pages/Groups.js';
import { Settings } from '../pages/Settings.js';
import { Audit } from '../pages/Audit.js';

const PAGES = /** @type {const} */ ([
  ['', 'Dashboard', Dashboard],
  ['people', 'People', People],
  ['groups', 'Groups', Groups],
  ['settings', 'Settings', Settings],
  ['audit', 'Audit log', Audit],
]);

const pageFromUrl = () => location.pathname.replace(/^\/admin\/?/, '').split('/')[0] || '';

export function App() {
  const [me, setMe] = useState(/** @type {any} */ (null));
  const [access, setAccess] = useState(/** @type {'loading'|'signed-out'|'forbidden'|'ok'|'offline'|'choose-password'} */ ('loading'));
  const [page, setPage] = useState(pageFromUrl());

  useEffect(() => {
    adminApi.me().then(({ user }) => {
      setMe(user);
      // A one-time password must be replaced first (the API refuses everything else meanwhile).
      setAccess(user.mustChangePassword ? 'choose-password' : user.role === 'admin' ? 'ok' : 'forbidden');
    }, (err) => setAccess(err instanceof ApiError && err.status === 401 ? 'signed-out' : 'offline'));
    const onPop = () => setPage(pageFromUrl());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    const entry = PAGES.find(([key]) => key === page);
    document.title = `${entry ? entry[1] : 'Admin'} · Chat-Flow admin`;
  }, [page]);

  if (access === 'loading') return html`<div class="boot">Loading the admin console…</div>`;
  if (access !== 'ok') return html`<${Gate} access=${access} />`;

  /** @param {string} key @param {MouseEvent} e */
  function go(key, e) {
    e.preventDefault();
    history.pushState(null, '', '/admin' + (key ? '/' + key : ''));
    setPage(key);
  }
  const current = PAGES.find(([key]) => key === page) || PAGES[0];
  const Page = current[2];
  return html`
    <div class="admin-shell" data-testid="admin-shell">
      <header class="admin-head">
        <div class="brand"><span class="brand-mark" aria-hidden="true">CF</span><span>Chat-Flow admin</span></div>
        <nav class="admin-nav" aria-label="Console sections">
          ${PAGES.map(([key, label]) => html`
            <a href=${'/admin' + (key ? '/' + key : '')} data-testid=${'nav-' + (key || 'dashboard')}
              aria-current=${current[0] === key ? 'page' : undefined} onClick=${(/** @type {MouseEvent} */ e) => go(key, e)}>${label}</a>`)}
        </nav>
        <div class="admin-me">
          <a class="btn btn-soft" href="/" data-testid="back-to-chat">Back to chat</a>
          <${Avatar} id=${me.id} name=${me.name} url=${me.avatarUrl} size=${32} />
        </div>
      </header>
      <main class="admin-main" id="main">
        <h1 class="page-title">${current[1]}</h1>
        <${Page} me=${me} />
      </main>
      <div class=${'status-region' + (status.value ? ' is-' + status.value.kind : '')} role="status" aria-live="polite" data-testid="status">
        ${status.value ? status.value.text : ''}
      </div>
    </div>`;
}

/** What someone who may not use the console sees instead (the API refuses them anyway). @param {{access: string}} p */
function Gate({ access }) {
  const text = {
    'forbidden': ['Admins only', 'The admin console is for administrators of this Chat-Flow. Ask an admin if you need something changed.'],
    'signed-out': ['Sign in first', 'Sign in to Chat-Flow, then open the admin console again.'],
    'offline': ['The server cannot be reached', 'Check your connection and reload the page.'],
    'choose-password': ['Choose your password first', 'You signed in with a one-time password. Choose your own in the chat, then open the console again.'],
  }[access] || ['Admins only', ''];
  return html`
    <main class="signin">
      <div class="signin-card" data-testid=${access === 'forbidden' ? 'admins-only' : 'admin-gate'}>
        <h1>${text[0]}</h1>
        <p class="muted">${text[1]}</p>
        <a class="btn full" href="/">Go to the chat</a>
      </div>
    </main>`;
}
