import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the work in progress is about: the correlation id that follows one request or email
 * through the API, the bus and every function it reaches, and the tenant, ticket and API Gateway
 * request it concerns. A handler opens a scope ({@link withCorrelation}) for each request or event;
 * every event built inside it ({@link toBusEvent} in ./events.ts) carries its correlation id, so
 * the events a handler emits in consequence, delivered at once or later by the outbox reconciler,
 * carry it on; every log line written inside it carries all four (@psa/observability's logger).
 *
 * A scope lives in AsyncLocalStorage, so concurrent invocations in one process (the local runtime
 * runs every function in one) never see each other's.
 */
export interface Correlation {
  /** The id of the chain: API Gateway's request id, a received email's id, an invocation's id. */
  correlationId: string;
  tenantId?: string;
  ticketId?: string;
  /** API Gateway's id of the HTTP request (the `requestId` of an error body), HTTP only. */
  requestId?: string;
}

const storage = new AsyncLocalStorage<Correlation>();

/** Run `work` inside a scope of its own (a copy of `correlation`: annotating it changes no other). */
export function withCorrelation<R>(correlation: Correlation, work: () => R): R {
  return storage.run({ ...correlation }, work);
}

/** The scope the caller runs in, if any. */
export function currentCorrelation(): Readonly<Correlation> | undefined {
  return storage.getStore();
}

/** Add what became known on the way (the tenant of the path, the ticket just created) to the scope. */
export function annotateCorrelation(keys: Partial<Omit<Correlation, 'correlationId'>>): void {
  const scope = storage.getStore();
  if (!scope) return;
  for (const [key, value] of Object.entries(keys) as [keyof Correlation, string | undefined][]) {
    if (value !== undefined) scope[key] = value;
  }
}
