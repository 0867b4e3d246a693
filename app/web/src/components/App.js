import { html } from 'htm/preact';
import { Component } from 'preact';
import { useApp } from './context.js';
import { SignIn } from './SignIn.js';
import { Sidebar } from './Sidebar.js';
import { ChatWindow } from './ChatWindow.js';
import { Dialogs } from './Dialogs.js';
import { ConnectionBanner, Toasts } from './Overlays.js';
import { ChoosePassword } from './ChoosePassword.js';
import { ProfilePanel } from './ProfilePanel.js';

export function App() {
  const { state } = useApp();
  const status = state.authStatus.value;
  if (status === 'loading') return html`<div class="boot">Loading Chat-Flow…</div>`;
  if (status === 'signed-out') return html`<${SignIn} />`;
  if (status === 'choose-password') return html`<${ChoosePassword} />`;
  return html`
    <${ErrorBoundary}>
      <div class=${'shell' + (state.activeChatId.value ? ' has-chat' : '')} data-testid="app-shell">
        <${ConnectionBanner} />
        <div class="layout">
          <${Sidebar} />
          <${ChatWindow} />
        </div>
        <${Dialogs} />
        ${state.dialog.value === /** @type {any} */ ('profile') ? html`<${ProfilePanel} />` : null}
        <${Toasts} />
      </div>
    <//>`;
}

/** Keeps one broken view from blanking the whole app. */
class ErrorBoundary extends Component {
  constructor() {
    super();
    this.state = { error: /** @type {Error|null} */ (null) };
  }
  /** @param {Error} error */
  componentDidCatch(error) {
    console.error(error);
    this.setState({ error });
  }
  render() {
    const { error } = /** @type {{error: Error|null}} */ (this.state);
    if (error) {
      return html`<div class="boot" role="alert">
        <p>Something went wrong: ${error.message}</p>
        <button class="btn" onClick=${() => location.reload()}>Reload</button>
      </div>`;
    }
    return /** @type {any} */ (this.props).children;
  }
}
