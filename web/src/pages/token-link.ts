import { useEffect, useRef } from 'preact/hooks';

/**
 * A page opened from a mailed one-time link (a rating, the team pulse): the token leaves the
 * address bar at once, so it stays out of the history and of any referrer, and `first`, the
 * link's first call, runs once however often the page renders.
 */
export function useTokenLink(shownPath: string, first: () => void): void {
  const pending = useRef<(() => void) | null>(first);
  useEffect(() => {
    window.history.replaceState(null, '', shownPath);
    const run = pending.current;
    pending.current = null;
    run?.();
  }, [shownPath]);
}
