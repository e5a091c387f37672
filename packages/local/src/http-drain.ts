import type { Server, ServerResponse } from 'node:http';

/** A Node HTTP server that can be stopped gracefully: see {@link drainable}. */
export interface Drainable {
  /** True once `drain` was called: the server answers no new request. */
  readonly draining: boolean;
  /**
   * Stops accepting: the listener closes, idle keep-alive connections are closed, and every
   * response still to come says `Connection: close`. Requests in flight may finish until
   * `deadline` (epoch ms); then every connection is cut. Returns how many requests were cut.
   */
  drain(deadline: number): Promise<number>;
}

/**
 * Graceful stop for a Node HTTP server. `server.close()` alone stops new connections only: a
 * client on a keep-alive connection goes on sending requests (and having them accepted) until it
 * stops on its own. Here the connection of each response finished while draining is closed, and
 * the caller answers requests that arrive while draining with a 503 (`draining` tells it when).
 */
export function drainable(server: Server): Drainable {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let settled: (() => void) | undefined;
  // Before the app's own listener, so the header is set before the app writes its head.
  server.prependListener('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight.delete(res);
      if (!draining) return;
      server.closeIdleConnections();
      if (inFlight.size === 0) settled?.();
    });
  });
  return {
    get draining() {
      return draining;
    },
    async drain(deadline) {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => {
            settled = resolve;
          }),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
          }),
        ]);
        clearTimeout(timer);
      }
      const cut = inFlight.size;
      server.closeAllConnections();
      await closed;
      return cut;
    },
  };
}
