/**
 * The Lambda entry points' observability, in one place so a handler file stays a few lines: the
 * Lambda context on every log line, a correlation scope per request, event or run (which the log
 * lines and the events it emits carry, see @psa/model/correlation), the handler's X-Ray
 * subsegment, the custom metrics of what the bus carried, and one log line per invocation that
 * failed or event that was handled.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { type Correlation, currentCorrelation, withCorrelation } from '@psa/model/correlation';
import type { EventBus } from '@psa/model/ports';
import { countingBus, type MetricRecorder, powertoolsRecorder } from './metrics.ts';
import { tracer } from './tracer.ts';

/** The Lambda context, as Powertools Logger takes it (the local runtime passes its own few fields). */
export type LambdaContext = Parameters<Logger['addContext']>[0];

/** A function's instruments, built once at cold start beside its composed dependencies. */
export interface Instruments<D> {
  /** The composed dependencies, with the bus counting what it delivers (./metrics.ts). */
  deps: D;
  logger: Logger;
  metrics: MetricRecorder;
}

/**
 * Cold start: the function's metrics (Powertools Metrics, namespace and service from Powertools'
 * variables) and its dependencies with the counting bus. `deps.logger` must be the function's
 * Powertools logger (`@psa/aws/factories/core` builds it with ./logger.ts); compositions may type
 * it more narrowly for their use cases.
 */
export function instrument<D extends { logger: unknown; bus?: EventBus }>(deps: D): Instruments<D> {
  if (!(deps.logger instanceof Logger)) throw new Error('instrument: deps.logger is not a Powertools Logger');
  const logger = deps.logger;
  const metrics = powertoolsRecorder(new Metrics(), (point) =>
    logger.warn('metric with undeclared dimensions dropped', { point }),
  );
  const counted = deps.bus ? { ...deps, bus: countingBus(deps.bus, metrics) } : deps;
  return { deps: counted, logger, metrics };
}

/**
 * One invocation: the Lambda context on the logger, and the handler's subsegment in the trace
 * (cold start and service annotated, the response or the error as metadata), as Powertools'
 * `injectLambdaContext` and `captureLambdaHandler` do.
 */
export async function invocation<R>(
  o: Pick<Instruments<unknown>, 'logger'>,
  context: LambdaContext | undefined,
  work: () => Promise<R>,
): Promise<R> {
  if (context) o.logger.addContext(context);
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  const segment = parent?.addNewSubsegment(`## ${context?.functionName ?? 'handler'}`);
  if (parent && segment) {
    tracer.setSegment(segment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
  }
  try {
    const result = await work();
    if (segment) tracer.addResponseAsMetadata(result, context?.functionName);
    return result;
  } catch (error) {
    if (segment) tracer.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    if (parent && segment) {
      segment.close();
      tracer.setSegment(parent);
    }
  }
}

/**
 * Run `work` in a correlation scope: its log lines and the events it builds carry the scope, the
 * trace is annotated with it (X-Ray annotations are searchable: `annotation.ticketId = "..."`),
 * and a failure is logged inside it before it propagates.
 */
export function inScope<R>(
  o: Pick<Instruments<unknown>, 'logger'>,
  scope: Correlation,
  work: () => Promise<R>,
): Promise<R> {
  return withCorrelation(scope, async () => {
    if (tracer.isTracingEnabled()) {
      for (const key of ['correlationId', 'tenantId', 'ticketId'] as const) {
        const value = scope[key];
        if (value) tracer.putAnnotation(key, value);
      }
    }
    try {
      return await work();
    } catch (error) {
      o.logger.error('invocation failed', { error });
      throw error;
    }
  });
}

/** What a parsed event tells the scope. */
export interface EventFacts {
  tenantId: string;
  ticketId?: string;
  correlationId?: string;
}

const field = (event: unknown, name: string): string | undefined => {
  const value =
    typeof event === 'object' && event !== null ? (event as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value ? value : undefined;
};

/**
 * An EventBridge rule target: `parse` reads the event (through its contract), `work` handles it in
 * the scope of the event's correlation id (or, for an event published without one, its EventBridge
 * id), tenant and ticket; one line logs each event handled, one each event refused.
 */
export function eventHandler<D extends EventFacts>(
  o: Pick<Instruments<unknown>, 'logger'>,
  parse: (event: unknown) => D,
  work: (detail: D) => Promise<unknown>,
): (event: unknown, context?: LambdaContext) => Promise<void> {
  return (event, context) =>
    invocation(o, context, async () => {
      const name = `${field(event, 'source')}/${field(event, 'detail-type')}`;
      const fallback = field(event, 'id') ?? context?.awsRequestId ?? crypto.randomUUID();
      let detail: D;
      try {
        detail = parse(event);
      } catch (error) {
        withCorrelation({ correlationId: fallback }, () =>
          o.logger.error('event refused', { event: name, error }),
        );
        throw error;
      }
      const scope: Correlation = {
        correlationId: detail.correlationId ?? fallback,
        tenantId: detail.tenantId,
        ...(detail.ticketId ? { ticketId: detail.ticketId } : {}),
      };
      await inScope(o, scope, async () => {
        await work(detail);
        o.logger.info('event handled', { event: name });
      });
    });
}

/** A scheduled run: its own correlation id (the invocation's request id), so its lines group together. */
export function scheduledHandler<R>(
  o: Pick<Instruments<unknown>, 'logger'>,
  work: () => Promise<R>,
): (event?: unknown, context?: LambdaContext) => Promise<R> {
  return (_event, context) =>
    invocation(o, context, () =>
      inScope(o, { correlationId: context?.awsRequestId ?? crypto.randomUUID() }, work),
    );
}

/**
 * An HTTP API integration: the Lambda context and the trace around the app's handler (`handle`
 * of hono/aws-lambda); each request's scope is opened by the app itself (@psa/http), so the local
 * runtime, which calls the app directly, logs the same lines.
 */
export function apiHandler<E, R>(
  o: Pick<Instruments<unknown>, 'logger'>,
  handle: (event: E, context: LambdaContext) => Promise<R>,
): (event: E, context: LambdaContext) => Promise<R> {
  return (event, context) => invocation(o, context, () => handle(event, context));
}

/**
 * The outbox reconciler's bus: each event it re-delivers is logged in the scope of the chain the
 * event belongs to (its correlation id, tenant and ticket), so a ticket's path shows the
 * reconciler too when an outage held one of its events back.
 */
export function loggingRedeliveries(bus: EventBus, logger: Pick<Logger, 'info'>): EventBus {
  return {
    async publish(events) {
      await bus.publish(events);
      for (const event of events) {
        const detail = event.detail;
        const text = (key: string) => (typeof detail[key] === 'string' ? (detail[key] as string) : undefined);
        const correlationId =
          text('correlationId') ?? currentCorrelation()?.correlationId ?? crypto.randomUUID();
        const scope: Correlation = { correlationId };
        for (const key of ['tenantId', 'ticketId'] as const) {
          const value = text(key);
          if (value) scope[key] = value;
        }
        withCorrelation(scope, () =>
          logger.info('event redelivered', {
            event: `${event.source}/${event.detailType}`,
            eventId: text('eventId'),
          }),
        );
      }
    },
  };
}
