// A searchable, cursor-paged list loaded from the admin API.
import { useEffect, useRef, useState } from 'preact/hooks';
import { announce } from '../status.js';

/**
 * @param {(p: {query: string, cursor: string|null}) => Promise<any>} load
 * @param {string} key the list's field in the response ("users", "groups")
 */
export function usePaged(load, key) {
  const [query, setQuery] = useState('');
  const [rows, setRows] = useState(/** @type {any[]} */ ([]));
  const [nextCursor, setNextCursor] = useState(/** @type {string|null} */ (null));
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  /** @param {string|null} cursor */
  async function fetchPage(cursor) {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const page = await load({ query, cursor });
      if (mine !== generation.current) return;
      setRows((before) => (cursor ? [...before, ...page[key]] : page[key]));
      setNextCursor(page.nextCursor);
    } catch (err) {
      announce(err instanceof Error ? err.message : 'Could not load the list.', 'error');
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }

  useEffect(() => {
    // Search as one types, but not on every keystroke.
    const timer = setTimeout(() => void fetchPage(null), query ? 250 : 0);
    return () => clearTimeout(timer);
  }, [query]);

  return { query, setQuery, rows, nextCursor, loading, more: () => fetchPage(nextCursor), reload: () => fetchPage(null) };
}
