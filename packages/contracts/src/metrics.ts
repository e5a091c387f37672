import { ChannelSchema, OwnerSchema, RoutingRuleSchema } from '@psa/model/ticket';
import { FUNCTIONS, type ServiceName } from './wiring.ts';

/**
 * The system's custom metrics, declared once: the functions emit them under these names and
 * dimensions (Powertools Metrics, CloudWatch embedded metric format), and the CDK app draws the
 * dashboard and sets the alarms from the very same declarations.
 *
 * Powertools adds a `service` dimension to every metric it emits (POWERTOOLS_SERVICE_NAME, which
 * the CDK app sets to the emitting function's service), so a metric's full dimension set is
 * `service` plus its `dimensions`, and an alarm names the service. Every distinct combination of
 * dimension values is a separate CloudWatch metric, billed monthly
 * (https://aws.amazon.com/cloudwatch/pricing/): dimensions take values from the small closed sets
 * in DIMENSION_VALUES only. Tenants, ticket ids and correlation ids go on the log line instead.
 */

/** The one namespace of the custom metrics (the default of a stage's `metricsNamespace`). */
export const METRICS_NAMESPACE = 'Psa';

/** The dimension Powertools adds to every metric: the emitting function's service. */
export const SERVICE_DIMENSION = 'service';

/** Every value a dimension takes. A metric emitted with another value is a bug. */
export const DIMENSION_VALUES = {
  /** How a ticket arrived. */
  channel: ChannelSchema.options,
  /** Who the ticket was routed to. */
  owner: OwnerSchema.options,
  /** The routing rule that decided (RoutingDecision.rule). */
  rule: RoutingRuleSchema.options,
  /** The side whose SLA clock it is; a triage-owned ticket's clocks run on the partner's side. */
  side: ['partner', 'internal'],
  /** The side a ticket was handed off to. */
  to: ['partner', 'internal'],
  /** The report read (the segment of its route after `reports/`). */
  report: ['backlog', 'after-hours', 'relief', 'routing-coverage', 'trends', 'tables', 'exports'],
} as const;

export type Dimension = keyof typeof DIMENSION_VALUES;

export interface MetricSpec {
  /** The CloudWatch metric name. */
  name: string;
  unit: 'Count' | 'Seconds' | 'Milliseconds';
  /** The services whose functions emit it: each is its own `service` dimension value. */
  services: readonly ServiceName[];
  /** Dimensions besides `service`, in the order they are emitted. */
  dimensions: readonly Dimension[];
  /** The statistic it is read with: Sum for counts, Maximum for gauges, p99 for latencies. */
  statistic: 'Sum' | 'Maximum' | 'p99';
  /** What it counts or measures, and when it is emitted. */
  description: string;
}

/** Services with a function that publishes to the bus (any of them may fail to deliver). */
const PUBLISHERS: readonly ServiceName[] = [
  ...new Set(FUNCTIONS.filter((f) => 'bus' in f.access && f.access.bus).map((f) => f.service)),
];

export const METRICS = {
  ticketsReceived: {
    name: 'TicketsReceived',
    unit: 'Count',
    services: ['intake'],
    dimensions: ['channel'],
    statistic: 'Sum',
    description: 'A ticket was accepted (not a repeat of an idempotency key), by channel.',
  },
  ticketsRouted: {
    name: 'TicketsRouted',
    unit: 'Count',
    services: ['router'],
    dimensions: ['owner', 'rule'],
    statistic: 'Sum',
    description:
      'A ticket was routed, by owner and the rule that decided. The triage share is owner=triage over all.',
  },
  handoffs: {
    name: 'Handoffs',
    unit: 'Count',
    services: ['intake'],
    dimensions: ['to'],
    statistic: 'Sum',
    description: 'A ticket was handed to the other side (escalated to internal, delegated to the partner).',
  },
  slaWarnings: {
    name: 'SlaWarnings',
    unit: 'Count',
    services: ['sla'],
    dimensions: ['side'],
    statistic: 'Sum',
    description: 'An SLA warning was published, by the side whose clock it is.',
  },
  slaBreaches: {
    name: 'SlaBreaches',
    unit: 'Count',
    services: ['sla'],
    dimensions: ['side'],
    statistic: 'Sum',
    description: 'An SLA breach was published, by the side whose clock it is.',
  },
  slaSweepLag: {
    name: 'SlaSweepLag',
    unit: 'Seconds',
    services: ['sla'],
    dimensions: [],
    statistic: 'Maximum',
    description:
      'At the end of each sweep: how far its watermark trails the newest due window it may drain ' +
      '(the window of now minus its settle time); 0 when it keeps up.',
  },
  mailQuarantined: {
    name: 'MailQuarantined',
    unit: 'Count',
    services: ['intake'],
    dimensions: [],
    statistic: 'Sum',
    description: 'A received email was quarantined instead of becoming a ticket, reply or note.',
  },
  outboxBacklog: {
    name: 'OutboxBacklog',
    unit: 'Count',
    services: ['outbox'],
    dimensions: [],
    statistic: 'Maximum',
    description: 'At each reconciler run: the outbox entries still undelivered (0 included).',
  },
  outboxOldestAge: {
    name: 'OutboxOldestAge',
    unit: 'Seconds',
    services: ['outbox'],
    dimensions: [],
    statistic: 'Maximum',
    description: 'At each reconciler run: the age of the oldest undelivered outbox entry (0 when none).',
  },
  busDeliveryFailures: {
    name: 'BusDeliveryFailures',
    unit: 'Count',
    services: PUBLISHERS,
    dimensions: [],
    statistic: 'Sum',
    description: 'A publish to the bus failed and was left in the outbox for the reconciler.',
  },
  reportLatency: {
    name: 'ReportLatency',
    unit: 'Milliseconds',
    services: ['reporting'],
    dimensions: ['report'],
    statistic: 'p99',
    description: 'Time to compute a report a caller asked for, by report.',
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof METRICS;

/** The dimensions (besides `service`) a metric is emitted with, typed to their allowed values. */
export type DimensionsOf<K extends MetricKey> = {
  [D in (typeof METRICS)[K]['dimensions'][number]]: (typeof DIMENSION_VALUES)[D][number];
};

/**
 * Every dimension combination of a metric, `service` included: the metrics CloudWatch holds for
 * it once every combination has been emitted (what the dashboard draws and the cost is counted on).
 */
export function dimensionCombinations(spec: MetricSpec): Array<Record<string, string>> {
  let combinations: Array<Record<string, string>> = spec.services.map((service) => ({
    [SERVICE_DIMENSION]: service,
  }));
  for (const dimension of spec.dimensions) {
    combinations = combinations.flatMap((partial) =>
      DIMENSION_VALUES[dimension].map((value) => ({ ...partial, [dimension]: value })),
    );
  }
  return combinations;
}
