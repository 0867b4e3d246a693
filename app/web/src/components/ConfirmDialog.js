// The confirmation asked before a destructive action (leave a group, remove a member). Escape or
// Cancel backs out; focus goes back where it was.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from './context.js';
import { useFocusReturn } from '../focus.js';

export function ConfirmDialog() {
  const { state, actions } = useApp();
  const request = state.confirm.value;
  const cancel = useRef(/** @type {HTMLButtonElement|null} */ (null));
  useFocusReturn(!!request);
  // The safe choice has the focus, so a stray Enter does not destroy anything.
  useEffect(() => { if (request && cancel.current) cancel.current.focus(); }, [request]);
  if (!request) return null;
  return html`<div class="modal-backdrop" onClick=${(/** @type {MouseEvent} */ e) => { if (e.target === e.currentTarget) actions.cancelConfirm(); }}>
    <div class="modal confirm" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-body"
      data-testid=${request.testid}
      onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Escape') { e.stopPropagation(); actions.cancelConfirm(); } }}>
      <h2 id="confirm-title">${request.title}</h2>
      <p class="muted" id="confirm-body">${request.body}</p>
      <div class="row end gap">
        <button type="button" class="btn btn-soft" ref=${cancel} data-testid="confirm-cancel" onClick=${() => actions.cancelConfirm()}>Cancel</button>
        <button type="button" class="btn btn-danger-solid" data-testid="confirm-ok" onClick=${() => actions.acceptConfirm()}>${request.confirmLabel}</button>
      </div>
    </div>
  </div>`;
}
