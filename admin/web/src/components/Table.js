// A data table with real headers, an empty state and "load more" paging.
import { html } from 'htm/preact';

/**
 * @param {{caption: string, columns: string[], rows: any[], testid: string, empty: string,
 *   nextCursor?: string|null, onMore?: () => void, loading?: boolean}} p
 */
export function Table({ caption, columns, rows, testid, empty, nextCursor, onMore, loading = false }) {
  return html`
    <div class="table-wrap">
      <table class="data-table" data-testid=${testid} aria-busy=${loading ? 'true' : 'false'}>
        <caption class="sr-only">${caption}</caption>
        <thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
        <tbody>
          ${rows}
          ${!rows.length && !loading ? html`<tr><td colspan=${columns.length} class="muted empty-cell">${empty}</td></tr>` : null}
        </tbody>
      </table>
    </div>
    ${nextCursor && onMore ? html`<button type="button" class="btn btn-soft more-btn" data-testid=${testid + '-more'} onClick=${onMore} disabled=${loading}>Load more</button>` : null}`;
}
