import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useApp } from './context.js';
import { ChatIcon } from './icons.js';
import { SignUpOffer } from './SignUp.js';
import { ClerkSignIn, useAuthOptions } from './ClerkSignIn.js';

export function SignIn() {
  const { state, actions } = useApp();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // Clerk sign-in: offered when configured; without built-in accounts the password form is for admins.
  const options = useAuthOptions();
  const [adminPassword, setAdminPassword] = useState(false);
  const clerkOffered = !!(options && options.clerk);
  const passwordShown = !options || options.builtInAccounts || adminPassword;
  if (!passwordShown) {
    return html`
      <main class="signin">
        <div class="signin-card" data-testid="sign-in-form">
          <div class="brand"><span class="brand-mark"><${ChatIcon} size=${26} /></span><span>Chat-Flow</span></div>
          <h1>Sign in</h1>
          <p class="muted">Sign in with your organisation's account.</p>
          ${clerkOffered ? html`<${ClerkSignIn} />` : null}
          ${state.signInError.value ? html`<p class="error" role="alert" data-testid="sign-in-error">${state.signInError.value}</p>` : null}
          <p class="signup-offer">Administrator? <button class="link-btn" type="button" data-testid="sign-in-admin-password" onClick=${() => setAdminPassword(true)}>Sign in with your password</button></p>
        </div>
      </main>`;
  }
  return html`
    <main class="signin">
      <form class="signin-card" data-testid="sign-in-form"
        onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); actions.signIn(email, password); }}>
        <div class="brand"><span class="brand-mark"><${ChatIcon} size=${26} /></span><span>Chat-Flow</span></div>
        <h1>Sign in</h1>
        <p class="muted">Welcome back. Sign in to pick up your conversations.</p>
        <label class="label">Email
          <input class="field" type="email" name="email" autocomplete="username" required autofocus
            data-testid="sign-in-email" value=${email} onInput=${(/** @type {any} */ e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="label">Password
          <input class="field" type="password" name="password" autocomplete="current-password" required
            data-testid="sign-in-password" value=${password} onInput=${(/** @type {any} */ e) => setPassword(e.currentTarget.value)} />
        </label>
        ${state.signInError.value ? html`<p class="error" role="alert" data-testid="sign-in-error">${state.signInError.value}</p>` : null}
        <button class="btn full" type="submit" data-testid="sign-in-submit" disabled=${state.signingIn.value}>
          ${state.signingIn.value ? 'Signing in…' : 'Sign in'}
        </button>
        ${clerkOffered ? html`<p class="muted" style="text-align: center">or</p><${ClerkSignIn} />` : null}
      </form>
      ${options && !options.builtInAccounts ? null : html`<${SignUpOffer} />`}
    </main>`;
}
