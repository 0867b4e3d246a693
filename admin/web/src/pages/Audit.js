// The audit log: who did what to whom and when, filtered by person, action and dates; CSV export.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { adminApi } from '../admin-api.js';
import { Table } from '../components/Table.js';
import { formatDateTime } from '../format.js';
import { announce } from '../status.js';

const EMPTY = { actorId: '', action: '', from: '', to: '' };

export function Audit() {
  const [filters, setFilters] = useState(EMPTY);
  const [applied, setApplied] = useState(EMPTY);
  const [entries, setEntries] = useState(/** @type {any[]} */ ([]));
  const [nextCursor, setNextCursor] = useState(/** @type {string|null} */ (null));
  const [loading, setLoading] = useState(true);
  const [people, setPeople] = useState(/** @type {any[]} */ ([]));
  const [actions, setActions] = useState(/** @type {string[]} */ ([]));
  const [names, setNames] = useState(/** @type {Record<string, string>} */ ({}));

  useEffect(() => {
    adminApi.users({ limit: 200 }).then((r) => {
      setPeople(r.users);
      setNames(Object.fromEntries(r.users.map((/** @type {any} */ u) => [u.id, u.name])));
    }, () => {});
    adminApi.auditActions().then((r) => setActions(r.actions), () => {});
  }, []);

  /** @param {string|null} cursor */
  async function load(cursor) {
    setLoading(true);
    try {
      const page = await adminApi.audit({ ...applied, cursor });
      setEntries((before) => (cursor ? [...before, ...page.entries] : page.entries));
      setNextCursor(page.nextCursor);
    } catch (err) {
      announce(err instanceof Error ? err.message : 'Could not load the audit log.', 'error');
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => { void load(null); }, [applied]);

  const set = (/** @type {keyof typeof EMPTY} */ key) => (/** @type {any} */ e) => setFilters({ ...filters, [key]: e.currentTarget.value });
  const target = (/** @type {any} */ e) => (e.targetType === 'user' && names[e.targetId] ? names[e.targetId] : e.targetId ? `${e.targetType} ${e.targetId.slice(0, 8)}` : e.targetType || '—');
  const rows = entries.map((e) => html`
    <tr key=${e.id} data-testid="audit-row" data-action=${e.action}>
      <td>${formatDateTime(e.createdAt)}</td>
      <th scope="row" data-testid="audit-actor">${e.actor ? e.actor.name : 'System'}</th>
      <td><code>${e.action}</code></td>
      <td data-testid="audit-target" data-target-id=${e.targetId || ''}>${target(e)}</td>
      <td class="details-cell"><code>${Object.keys(e.details || {}).length ? JSON.stringify(e.details) : ''}</code></td>
      <td>${e.ip || '—'}</td>
    </tr>`);
  return html`
    <form class="toolbar filters-bar" aria-label="Filter the audit log" onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); setApplied(filters); }}>
      <label class="label">Person
        <select class="field" data-testid="audit-person" value=${filters.actorId} onChange=${set('actorId')}>
          <option value="">Anyone</option>
          ${people.map((u) => html`<option value=${u.id}>${u.name}</option>`)}
        </select>
      </label>
      <label class="label">Action
        <select class="field" data-testid="audit-action" value=${filters.action} onChange=${set('action')}>
          <option value="">Any action</option>
          ${actions.map((a) => html`<option value=${a}>${a}</option>`)}
        </select>
      </label>
      <label class="label">From<input class="field" type="date" data-testid="audit-from" value=${filters.from} onInput=${set('from')} /></label>
      <label class="label">To<input class="field" type="date" data-testid="audit-to" value=${filters.to} onInput=${set('to')} /></label>
      <button class="btn" type="submit" data-testid="audit-apply">Filter</button>
      <a class="btn btn-soft" data-testid="audit-export" href=${adminApi.auditCsvUrl(applied)} download>Export CSV</a>
    </form>
    <${Table} caption="Audit log" testid="audit-table" columns=${['When', 'Who', 'Action', 'Target', 'Details', 'IP']}
      rows=${rows} empty="Nothing recorded for these filters." nextCursor=${nextCursor} onMore=${() => load(nextCursor)} loading=${loading} />`;
}
