import { useEffect, useState } from 'preact/hooks';

/**
 * Client-side routes on the History API: the path and query are the page's state (filters kept
 * in the URL survive a reload and can be shared), links are plain anchors with real hrefs.
 */

export interface Location {
  path: string;
  query: URLSearchParams;
}

const CHANGED = 'psa:navigate';

function current(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

/** Goes to a same-origin URL without reloading; `replace` keeps the history entry (filters). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGED));
}

/** The current location, re-rendering on navigation and on the browser's back and forward. */
export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGED, update);
    };
  }, []);
  return loc;
}

/**
 * A click handler for anchors inside the app: a plain left click navigates in place; a click
 * with a modifier (new tab, new window) is left to the browser.
 */
export function onLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin) return;
  // Served by the API or as a file: let the browser load it.
  if (/^\/(v1|public|oidc|assets)\//.test(url.pathname) || url.pathname === '/openapi.json') return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}
