import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type Api, ApiError } from '../../api.ts';

/** How often an open page asks whether its data changed (a 304 costs a few hundred bytes). */
export const POLL_MS = 3000;
/**
 * Every this many polls, ask without the ETag: the tag leaves out the minutes a running SLA clock
 * has left (they change every few seconds), so this is how those numbers stay within a minute.
 */
const FULL_EVERY = 20;

export interface Live<T> {
  data: T | null;
  error: ApiError | null;
  /** Asks now (after an action), instead of at the next tick. */
  refresh: () => Promise<void>;
}

/**
 * A GET kept current by polling with ETags (README "Live updates"): each tick sends the ETag it
 * holds and the server answers 304 while nothing changed. Pauses while the tab is hidden, starts
 * again on a path change, and stops on unmount. A 401 ends the session.
 */
export function useLive<T>(api: Api, path: string | null, onExpired: () => void): Live<T> {
  const [state, setState] = useState<{ path: string | null; data: T | null; error: ApiError | null }>({
    path,
    data: null,
    error: null,
  });
  const etag = useRef<{ path: string | null; tag: string | null; polls: number }>({
    path,
    tag: null,
    polls: 0,
  });
  const expired = useRef(onExpired);
  expired.current = onExpired;

  const load = useCallback(async () => {
    if (!path) return;
    if (etag.current.path !== path) etag.current = { path, tag: null, polls: 0 };
    const full = ++etag.current.polls % FULL_EVERY === 0;
    try {
      const out = await api.poll<T>(path, full ? null : etag.current.tag);
      if (etag.current.path !== path) return;
      if (out) {
        etag.current.tag = out.etag;
        setState({ path, data: out.data, error: null });
      } else setState((s) => (s.error ? { ...s, error: null } : s));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) expired.current();
      else {
        const error =
          err instanceof ApiError ? err : new ApiError(0, 'network', 'The server could not be reached.');
        setState((s) => ({ path, data: s.path === path ? s.data : null, error }));
      }
    }
  }, [api, path]);

  useEffect(() => {
    void load();
    let timer = window.setInterval(() => document.visibilityState === 'visible' && void load(), POLL_MS);
    const onShow = () => {
      if (document.visibilityState !== 'visible') return;
      window.clearInterval(timer);
      void load();
      timer = window.setInterval(() => document.visibilityState === 'visible' && void load(), POLL_MS);
    };
    document.addEventListener('visibilitychange', onShow);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onShow);
    };
  }, [load]);

  return {
    data: state.path === path ? state.data : null,
    error: state.path === path ? state.error : null,
    refresh: load,
  };
}
