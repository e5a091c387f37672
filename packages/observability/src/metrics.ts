import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  DIMENSION_VALUES,
  type Dimension,
  type DimensionsOf,
  METRICS,
  type MetricKey,
  SERVICE_DIMENSION,
} from '@psa/contracts/metrics';
import type { ServiceName } from '@psa/contracts/wiring';
import {
  type BusEvent,
  SlaBreached,
  SlaWarning,
  SOURCES,
  TicketReassigned,
  TicketReceived,
  TicketRouted,
} from '@psa/model/events';
import type { EventBus } from '@psa/model/ports';

/**
 * The system's custom metrics as the functions emit them: one data point of a metric declared in
 * `@psa/contracts/metrics`, under those names, units and dimensions only (the CDK app's alarms and
 * dashboard read the very same declarations).
 */
export interface MetricPoint {
  metric: MetricKey;
  /** The metric's dimensions besides `service`, each with one of its DIMENSION_VALUES. */
  dimensions: Record<string, string>;
  value: number;
  /** The `service` dimension, when not the emitting function's own (an event's publisher). */
  service?: ServiceName;
}

/** Where data points go: Powertools Metrics in a function ({@link powertoolsRecorder}), a list in tests. */
export interface MetricRecorder {
  record(point: MetricPoint): void;
}

/** A data point, typed to the metric's declared dimensions and their values. */
export function metricPoint<K extends MetricKey>(
  metric: K,
  dimensions: DimensionsOf<K>,
  value = 1,
  service?: ServiceName,
): MetricPoint {
  return { metric, dimensions: dimensions as Record<string, string>, value, ...(service ? { service } : {}) };
}

const SERVICE_OF_SOURCE = new Map<string, ServiceName>(
  Object.entries(SOURCES).map(([service, source]) => [source, service as ServiceName]),
);

/** A triage-owned ticket's clocks run on the partner's side (see DIMENSION_VALUES.side). */
const sideOf = (owner: string) => (owner === 'triage' ? 'partner' : owner);

/**
 * The metrics an event counts in once it is on the bus: tickets received by channel, routed by
 * owner and rule, handoffs by receiving side, SLA warnings and breaches by side. They carry the
 * publishing service's `service` dimension (its `source`), whoever delivered the event: the writer
 * at once, or the outbox reconciler after an outage.
 */
export function metricsOfEvent(event: BusEvent): MetricPoint[] {
  const service = SERVICE_OF_SOURCE.get(event.source);
  const d = event.detail as Record<string, unknown>;
  const is = (contract: { source: string; detailType: string }) =>
    event.source === contract.source && event.detailType === contract.detailType;
  const one = (metric: MetricKey, dimensions: Record<string, string>): MetricPoint[] => [
    { metric, dimensions, value: 1, ...(service ? { service } : {}) },
  ];
  if (is(TicketReceived)) return one('ticketsReceived', { channel: String(d.channel) });
  if (is(TicketRouted)) {
    const rule = (d.routing as { rule?: unknown } | undefined)?.rule;
    return one('ticketsRouted', { owner: String(d.owner), rule: String(rule) });
  }
  if (is(TicketReassigned)) return one('handoffs', { to: String(d.to) });
  if (is(SlaWarning)) return one('slaWarnings', { side: sideOf(String(d.owner)) });
  if (is(SlaBreached)) return one('slaBreaches', { side: sideOf(String(d.owner)) });
  return [];
}

/**
 * The bus, counting what it delivers: each event published counts in its metrics
 * ({@link metricsOfEvent}), and each event that could not be published counts one
 * `BusDeliveryFailures` (the outbox keeps it for the reconciler). The outbox's delivery publishes
 * a record's events in one call and, when that fails, each alone (`deliverEach` in
 * @psa/model/outbox), so a failure is counted on single-event calls only: once per event left behind.
 */
export function countingBus(bus: EventBus, metrics: MetricRecorder): EventBus {
  return {
    async publish(events) {
      try {
        await bus.publish(events);
      } catch (error) {
        if (events.length === 1) metrics.record(metricPoint('busDeliveryFailures', {}));
        throw error;
      }
      for (const event of events) for (const point of metricsOfEvent(event)) metrics.record(point);
    },
  };
}

/** Whether every dimension of a point is one the metric declares, with one of its declared values. */
export function isDeclared(point: MetricPoint): boolean {
  const declared: readonly Dimension[] = METRICS[point.metric].dimensions;
  const names = Object.keys(point.dimensions);
  return (
    names.length === declared.length &&
    declared.every((name) =>
      (DIMENSION_VALUES[name] as readonly string[]).includes(point.dimensions[name] ?? ''),
    )
  );
}

/**
 * Data points as CloudWatch embedded metric format lines through Powertools Metrics, in its
 * namespace (POWERTOOLS_METRICS_NAMESPACE, the stage's `metricsNamespace`), each flushed at once
 * as a single metric since every metric has its own dimension set. A point whose dimensions are
 * not declared is dropped and reported to `onUndeclared`: a new CloudWatch metric per stray
 * value would cost money and draw on no graph.
 */
export function powertoolsRecorder(
  metrics: Metrics,
  onUndeclared: (point: MetricPoint) => void = () => undefined,
): MetricRecorder {
  return {
    record(point) {
      if (!isDeclared(point)) {
        onUndeclared(point);
        return;
      }
      const spec = METRICS[point.metric];
      const single = metrics.singleMetric();
      if (point.service) {
        // Replaced, not overwritten: Powertools warns on every overwritten dimension.
        single.clearDefaultDimensions();
        single.setDefaultDimensions({ [SERVICE_DIMENSION]: point.service });
      }
      // In the declared order: the dimension set is what CloudWatch names the metric by.
      for (const name of spec.dimensions) single.addDimension(name, point.dimensions[name]!);
      single.addMetric(spec.name, MetricUnit[spec.unit], point.value);
    },
  };
}

/** An HTTP app as API Gateway's integration and the local gateway call it. */
export interface FetchApp {
  fetch: (request: Request, ...rest: never[]) => Response | Promise<Response>;
}

const REPORT_PATH = /^\/v1\/tenants\/[^/]+\/reports\/([^/]+)$/;

/**
 * The reporting app, timing each report it answers (ReportLatency by report): from the request's
 * arrival to its answer, authentication included, for successful reads only.
 */
export function timeReports<A extends FetchApp>(app: A, metrics: MetricRecorder): A {
  const fetch = app.fetch.bind(app) as (request: Request, ...rest: unknown[]) => Promise<Response>;
  const timed = async (request: Request, ...rest: unknown[]) => {
    const report = REPORT_PATH.exec(new URL(request.url).pathname)?.[1];
    const started = performance.now();
    const response = await fetch(request, ...rest);
    if (report && response.ok) {
      metrics.record({ metric: 'reportLatency', dimensions: { report }, value: performance.now() - started });
    }
    return response;
  };
  return Object.assign(app, { fetch: timed });
}
