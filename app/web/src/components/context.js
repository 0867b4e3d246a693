// The state and actions reach components through one context, so components take no globals.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** @type {import('preact').Context<{state: import('../state.js').AppState, actions: import('../actions/index.js').Actions}|null>} */
export const AppContext = createContext(/** @type {any} */ (null));

export function useApp() {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('useApp() outside <AppContext.Provider>');
  return ctx;
}
