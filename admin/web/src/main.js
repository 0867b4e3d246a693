// The admin console's entry: one state object, rendered by App.
import { render } from 'preact';
import { html } from 'htm/preact';
import { App } from './components/App.js';

render(html`<${App} />`, /** @type {HTMLElement} */ (document.getElementById('app')));
