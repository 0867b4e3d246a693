// Dialogs and popovers give focus back to what had it when they opened.
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';

/** Remembers the focused element while `open`, and focuses it again when it closes. @param {boolean} open */
export function useFocusReturn(open) {
  const before = useRef(/** @type {HTMLElement|null} */ (null));
  // A layout effect runs before the dialog's own effects move focus into it.
  useLayoutEffect(() => {
    if (!open) return undefined;
    before.current = /** @type {HTMLElement|null} */ (document.activeElement);
    return () => {
      const el = before.current;
      before.current = null;
      // Right away, as it closes: whatever the closing action focuses next (the composer after an
      // emoji was picked) still wins.
      if (el && el.isConnected && typeof el.focus === 'function') el.focus();
    };
  }, [open]);
}

/**
 * Escape anywhere in the page closes a popover while it is open, even when the focus is not in it
 * (it was opened with a click on its button). Dialogs that handled the key first stop it.
 * @param {boolean} open @param {() => void} onEscape
 */
export function useEscape(open, onEscape) {
  const handler = useRef(onEscape);
  handler.current = onEscape;
  useLayoutEffect(() => {
    if (!open) return undefined;
    /** @param {KeyboardEvent} e */
    const onKey = (e) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      handler.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
}

/**
 * A press outside the returned element's box closes a popover while it is open.
 * @param {boolean} open @param {() => void} onOutside
 * @returns {import('preact').RefObject<HTMLDivElement>}
 */
export function useClickOutside(open, onOutside) {
  const ref = useRef(/** @type {HTMLDivElement|null} */ (null));
  const handler = useRef(onOutside);
  handler.current = onOutside;
  useEffect(() => {
    if (!open) return undefined;
    /** @param {MouseEvent} e */
    const outside = (e) => { if (ref.current && !ref.current.contains(/** @type {Node} */ (e.target))) handler.current(); };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);
  return ref;
}
