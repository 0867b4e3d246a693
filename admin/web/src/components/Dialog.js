// A modal dialog: focus moves in on open, Tab stays inside, Escape closes, focus returns on close.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** @param {{title: string, testid: string, onClose: () => void, children: any, wide?: boolean}} p */
export function Dialog({ title, testid, onClose, children, wide = false }) {
  const ref = useRef(/** @type {HTMLDivElement|null} */ (null));
  useEffect(() => {
    const opener = /** @type {HTMLElement|null} */ (document.activeElement);
    const first = ref.current && /** @type {HTMLElement|null} */ (ref.current.querySelector('[autofocus]') || ref.current.querySelector(FOCUSABLE));
    if (first) first.focus();
    return () => { if (opener && document.contains(opener)) opener.focus(); };
  }, []);
  /** @param {KeyboardEvent} e */
  function onKeyDown(e) {
    if (e.key === 'Escape') { e.stopPropagation(); onClose(); return; }
    if (e.key !== 'Tab' || !ref.current) return;
    const items = /** @type {HTMLElement[]} */ ([...ref.current.querySelectorAll(FOCUSABLE)]);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  }
  return html`
    <div class="modal-backdrop" onClick=${(/** @type {MouseEvent} */ e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div class=${'modal' + (wide ? ' modal-wide' : '')} role="dialog" aria-modal="true" aria-labelledby=${testid + '-title'}
        data-testid=${testid} ref=${ref} onKeyDown=${onKeyDown}>
        <div class="modal-head">
          <h2 id=${testid + '-title'}>${title}</h2>
          <button type="button" class="icon-btn small" aria-label="Close" data-testid="dialog-close" onClick=${onClose}>✕</button>
        </div>
        ${children}
      </div>
    </div>`;
}

/** A yes/no question naming exactly what will happen. @param {{title: string, message: any, confirm: string, danger?: boolean, onConfirm: () => void, onClose: () => void}} p */
export function Confirm({ title, message, confirm, danger = false, onConfirm, onClose }) {
  return html`
    <${Dialog} title=${title} testid="confirm-dialog" onClose=${onClose}>
      <p data-testid="confirm-message">${message}</p>
      <div class="dialog-actions">
        <button type="button" class="btn btn-soft" onClick=${onClose}>Cancel</button>
        <button type="button" class=${'btn' + (danger ? ' btn-danger-solid' : '')} data-testid="confirm-yes" onClick=${onConfirm}>${confirm}</button>
      </div>
    <//>`;
}

/** A secret shown once, with a copy button. @param {{label: string, value: string, testid: string}} p */
export function OneTimeSecret({ label, value, testid }) {
  async function copy() {
    try { await navigator.clipboard.writeText(value); } catch { /* the text stays selectable */ }
  }
  return html`
    <div class="secret">
      <label class="label">${label}
        <input class="field mono" readonly value=${value} data-testid=${testid} onFocus=${(/** @type {any} */ e) => e.currentTarget.select()} />
      </label>
      <button type="button" class="btn btn-soft" data-testid=${testid + '-copy'} onClick=${copy}>Copy</button>
      <p class="muted small">Shown this once: copy it now and pass it on safely.</p>
    </div>`;
}
