/** One cold start at a time: the environment swap below is process-wide. */
let loading: Promise<unknown> = Promise.resolve();

/**
 * Loads a handler module the way Lambda starts a function: its cold start (the module's top level,
 * where the handlers parse their config) sees exactly `runtime` (what the Lambda service itself
 * provides: region, credentials, endpoints, log level) plus the function's own `environment`, and
 * nothing another function was given. A variable the CDK app does not set fails here as in AWS.
 *
 * The handlers share one process, so the swap lasts for the import only (calls are serialised);
 * configuration must be read at cold start, as every config module does, never later.
 */
export function loadFunction<T>(
  entryUrl: string,
  environment: Record<string, string | undefined>,
  runtime: Record<string, string | undefined>,
): Promise<T> {
  const load = async () => {
    const outer = process.env;
    process.env = { ...runtime, ...environment };
    try {
      return (await import(entryUrl)) as T;
    } finally {
      process.env = outer;
    }
  };
  const next = loading.then(load, load);
  loading = next.catch(() => undefined);
  return next;
}
