// The dashboard: people, chats, storage, the message log's lag and two charts, refreshed live.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { adminApi } from '../admin-api.js';
import { DayChart } from '../components/DayChart.js';
import { formatBytes } from '../format.js';
import { announce } from '../status.js';

/** How often the figures refresh while the page is open. */
const REFRESH_MS = 5000;

/** @param {number} n @param {string} noun */
const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function Dashboard() {
  const [stats, setStats] = useState(/** @type {any} */ (null));
  const [updatedAt, setUpdatedAt] = useState(/** @type {Date|null} */ (null));
  useEffect(() => {
    let stopped = false;
    let failed = false;
    async function refresh() {
      try {
        const next = await adminApi.stats();
        if (stopped) return;
        setStats(next);
        setUpdatedAt(new Date());
        failed = false;
      } catch (err) {
        // Say it once, not every few seconds.
        if (!failed) announce(err instanceof Error ? err.message : 'Could not load the figures.', 'error');
        failed = true;
      }
    }
    void refresh();
    const timer = setInterval(() => { if (!document.hidden) void refresh(); }, REFRESH_MS);
    return () => { stopped = true; clearInterval(timer); };
  }, []);
  if (!stats) return html`<p class="muted">Loading…</p>`;
  const tiles = [
    ['People', stats.users.active, `${stats.users.total} in all · ${plural(stats.users.admins, 'admin')} · ${stats.users.deactivated} deactivated`, 'stat-people'],
    ['Online now', stats.onlineNow, 'connected at this moment', 'stat-online'],
    ['Chats', stats.chats.direct + stats.chats.groups, `${plural(stats.chats.groups, 'group')} · ${stats.chats.direct} direct`, 'stat-chats'],
    ['Database', formatBytes(stats.databaseBytes), 'size on disk', 'stat-database'],
    ['Media', formatBytes(stats.storageBytes), 'attachments stored', 'stat-media'],
    ['Log lag', stats.logLag === null ? '—' : stats.logLag, stats.logLag === null ? 'the message log cannot be asked right now'
      : stats.logLag === 0 ? 'every message is written' : 'messages waiting to be written', 'stat-log-lag'],
  ];
  return html`
    <p class="muted small page-note" aria-live="off">Refreshes every ${REFRESH_MS / 1000} seconds${updatedAt ? ` · updated ${updatedAt.toLocaleTimeString()}` : ''}.</p>
    <div class="tiles">
      ${tiles.map(([label, value, note, testid]) => html`
        <div class="card tile" data-testid=${testid}>
          <span class="tile-label">${label}</span>
          <strong class="tile-value" data-testid=${testid + '-value'}>${value}</strong>
          <span class="muted small">${note}</span>
        </div>`)}
    </div>
    <div class="charts">
      <${DayChart} title="Messages per day" days=${stats.messagesPerDay} testid="chart-messages" />
      <${DayChart} title="Active people per day" days=${stats.activePeoplePerDay} testid="chart-active" />
    </div>`;
}
