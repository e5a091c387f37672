import { AsyncLocalStorage } from 'node:async_hooks';

/** One function invocation in the local runtime, as a meter sees it. */
export interface Invocation {
  functionId: string;
  /** Invoked by an HTTP API route (else by the bus, a schedule or received mail). */
  http: boolean;
}

/** Told of every invocation's end, with its wall-clock duration. */
export type InvocationObserver = (invocation: Invocation, ms: number) => void;

const current = new AsyncLocalStorage<Invocation>();
const observers = new Set<InvocationObserver>();

/**
 * Runs one invocation of a function: whatever it calls (the SDK's requests included) can ask
 * {@link currentInvocation} which function it runs for, and observers learn its duration. This is
 * how the bench attributes AWS requests and Lambda time to functions (its cost model).
 */
export async function invoking<T>(invocation: Invocation, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await current.run(invocation, run);
  } finally {
    const ms = performance.now() - start;
    for (const observe of observers) observe(invocation, ms);
  }
}

/** The invocation the caller runs in, if any (the runtime's own work runs in none). */
export function currentInvocation(): Invocation | undefined {
  return current.getStore();
}

/** Observes every invocation until the returned function is called. */
export function observeInvocations(observer: InvocationObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}
