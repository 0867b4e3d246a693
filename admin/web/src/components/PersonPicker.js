// Search people (active ones) and pick some: used to create groups and add members.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { adminApi } from '../admin-api.js';

/** @param {{picked: any[], onChange: (people: any[]) => void, exclude?: string[], label?: string}} p */
export function PersonPicker({ picked, onChange, exclude = [], label = 'Find people' }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState(/** @type {any[]} */ ([]));
  useEffect(() => {
    const timer = setTimeout(() => {
      adminApi.users({ query, cursor: null }).then((page) => setFound(page.users.filter((/** @type {any} */ u) => u.status === 'active')), () => setFound([]));
    }, 200);
    return () => clearTimeout(timer);
  }, [query]);
  const pickedIds = picked.map((u) => u.id);
  const toggle = (/** @type {any} */ u) => onChange(pickedIds.includes(u.id) ? picked.filter((p) => p.id !== u.id) : [...picked, u]);
  const options = found.filter((u) => !exclude.includes(u.id));
  return html`
    <div class="picker-box">
      <label class="label">${label}
        <input type="search" class="field" placeholder="Name or email" data-testid="picker-search" value=${query}
          onInput=${(/** @type {any} */ e) => setQuery(e.currentTarget.value)} />
      </label>
      ${picked.length ? html`<p class="chips" aria-label="Picked">${picked.map((u) => html`
        <button type="button" class="chip is-active" aria-label=${'Remove ' + u.name + ' from the selection'} onClick=${() => toggle(u)}>${u.name} ✕</button>`)}</p>` : null}
      <ul class="picker-list" aria-label="People found">
        ${options.map((u) => html`
          <li key=${u.id}>
            <label class="check-row" data-testid="picker-option" data-email=${u.email}>
              <input type="checkbox" checked=${pickedIds.includes(u.id)} onChange=${() => toggle(u)} />
              <span>${u.name}</span><span class="muted small">${u.email}</span>
            </label>
          </li>`)}
        ${!options.length ? html`<li class="muted small empty-note">No one found.</li>` : null}
      </ul>
    </div>`;
}
