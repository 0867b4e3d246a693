// One announcement at a time for screen readers and sighted users alike (the live region in App).
import { signal } from '@preact/signals';

/** @type {import('@preact/signals').Signal<{text: string, kind: 'ok'|'error'}|null>} */
export const status = signal(null);
let timer = 0;

/** @param {string} text @param {'ok'|'error'} [kind] */
export function announce(text, kind = 'ok') {
  status.value = { text, kind };
  clearTimeout(timer);
  timer = window.setTimeout(() => { status.value = null; }, kind === 'error' ? 10_000 : 5_000);
}

/** Runs an action and announces its outcome; resolves to the action's value (true for an empty answer), or undefined on failure. */
export async function attempt(/** @type {() => Promise<unknown>} */ action, /** @type {string} */ done) {
  try {
    const value = await action();
    if (done) announce(done);
    return value ?? true;
  } catch (err) {
    announce(err instanceof Error ? err.message : 'Something went wrong.', 'error');
    return undefined;
  }
}
