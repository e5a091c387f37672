import { DIMENSION_VALUES, type Dimension, METRICS, type MetricSpec } from '@psa/contracts/metrics';
import type { QueueAccess } from '@psa/contracts/wiring';
import { Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  type CfnAlarm,
  Dashboard,
  GraphWidget,
  type GraphWidgetProps,
  type IAlarm,
  type IMetric,
  type IWidget,
  MathExpression,
  type Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { customMetric, PERIOD } from './custom-metrics.ts';
import type { PsaFunction } from './psa-function.ts';
import type { StageSettings } from './stages.ts';
import { THRESHOLDS } from './thresholds.ts';

export interface SystemDashboardProps {
  functions: readonly PsaFunction[];
  api: HttpApi;
  queues: Record<QueueAccess, IQueue>;
  deadLetterQueues: Record<QueueAccess, IQueue>;
  settings: StageSettings;
}

const WIDE = 12;
const NARROW = 8;
const HEIGHT = 6;

/** A metric math id: lower-case start, letters, digits and underscores only. */
const mathId = (...parts: string[]) => `m_${parts.join('_').replace(/[^A-Za-z0-9_]/g, '_')}`.toLowerCase();

/**
 * The one dashboard of a stage (`psa-<stage>`): traffic, routing mix, SLA, errors, queues and
 * latency, top to bottom, with every alarm's state on top. Per-function graphs draw one line per
 * function it is given, and per-dimension graphs one line per value of DIMENSION_VALUES, so a new
 * function, rule or channel shows up without touching this file.
 */
export class SystemDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: SystemDashboardProps) {
    super(scope, id);
    const { settings, functions, api } = props;
    const stage = String(this.node.tryGetContext('stage'));
    const metric = (spec: MetricSpec, dimensions: Record<string, string> = {}, label?: string) =>
      customMetric(settings, spec, spec.services[0]!, dimensions, label ? { label } : {});
    const perFunction = (of: (fn: PsaFunction) => Metric) =>
      functions.map((fn) => of(fn).with({ label: fn.spec.id, period: PERIOD }));
    const graph = (title: string, left: IMetric[], extra: Partial<GraphWidgetProps> = {}) =>
      new GraphWidget({ title, left, width: WIDE, height: HEIGHT, ...extra });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `psa-${stage}` });
    const section = (title: string, ...widgets: IWidget[]) => {
      this.dashboard.addWidgets(new TextWidget({ markdown: `## ${title}`, width: 24, height: 1 }));
      this.dashboard.addWidgets(...widgets);
    };

    this.dashboard.addWidgets(
      new TextWidget({
        markdown: [
          `# PSA ${stage}`,
          `Custom metrics in namespace \`${settings.metricsNamespace}\` (declared in packages/contracts/src/metrics.ts). ` +
            `Every alarm links its runbook: [docs/runbooks](${settings.runbookBaseUrl}/README.md).`,
        ].join('\n\n'),
        width: 24,
        height: 2,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.allAlarms(), width: 24, height: 4 }),
    );

    section(
      'Traffic',
      graph('API requests', [
        api.metricCount({ period: PERIOD, statistic: 'Sum', label: 'requests' }),
        api.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
        api.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' }),
      ]),
      graph(
        'Tickets received by channel',
        DIMENSION_VALUES.channel.map((channel) => metric(METRICS.ticketsReceived, { channel }, channel)),
        { stacked: true },
      ),
      graph(
        'Invocations by function',
        perFunction((fn) => fn.function.metricInvocations({ statistic: 'Sum' })),
        { width: 24 },
      ),
    );

    const routedBy = (dimension: Extract<Dimension, 'owner' | 'rule'>) =>
      DIMENSION_VALUES[dimension].map((value) =>
        sumOf(
          value,
          routedMetrics(settings).filter((m) => m.dimensions[dimension] === value),
        ),
      );
    const all = routedMetrics(settings);
    const triage = all.filter((m) => m.dimensions.owner === 'triage');
    section(
      'Routing mix',
      graph('Tickets routed by owner', routedBy('owner'), { stacked: true, width: NARROW }),
      graph('Tickets routed by rule', routedBy('rule'), { stacked: true, width: NARROW }),
      graph(
        'Triage share (%)',
        [
          new MathExpression({
            expression: `100 * SUM([${triage.map((m) => m.id).join(', ')}]) / SUM([${all.map((m) => m.id).join(', ')}])`,
            usingMetrics: Object.fromEntries(all.map((m) => [m.id, m.metric])),
            label: 'triage share',
            period: PERIOD,
          }),
        ],
        { width: NARROW, leftYAxis: { min: 0, max: 100 } },
      ),
      graph(
        'Handoffs by receiving side',
        DIMENSION_VALUES.to.map((to) => metric(METRICS.handoffs, { to }, `to ${to}`)),
        { stacked: true, width: 24 },
      ),
    );

    section(
      'SLA',
      graph(
        'SLA warnings by side',
        DIMENSION_VALUES.side.map((side) => metric(METRICS.slaWarnings, { side }, side)),
        { width: NARROW },
      ),
      graph(
        'SLA breaches by side',
        DIMENSION_VALUES.side.map((side) => metric(METRICS.slaBreaches, { side }, side)),
        { width: NARROW },
      ),
      graph('SLA sweep lag (s)', [metric(METRICS.slaSweepLag, {}, 'behind watermark')], {
        width: NARROW,
        leftAnnotations: [{ value: THRESHOLDS.slaSweepLagSeconds, label: 'alarm' }],
      }),
    );

    section(
      'Errors',
      graph(
        'Function errors',
        perFunction((fn) => fn.function.metricErrors({ statistic: 'Sum' })),
        { leftAnnotations: [{ value: THRESHOLDS.functionErrors, label: 'alarm' }] },
      ),
      graph(
        'Function throttles',
        perFunction((fn) => fn.function.metricThrottles({ statistic: 'Sum' })),
      ),
      graph('Bus delivery failures by service', [
        ...METRICS.busDeliveryFailures.services.map((service) =>
          customMetric(settings, METRICS.busDeliveryFailures, service, {}, { label: service }),
        ),
      ]),
      graph('Mail quarantined', [metric(METRICS.mailQuarantined, {}, 'quarantined')]),
    );

    const failureQueues = functions.flatMap((fn) =>
      fn.failureQueue ? [{ label: `${fn.spec.id} failures`, queue: fn.failureQueue }] : [],
    );
    const queueNames = Object.keys(props.queues) as QueueAccess[];
    section(
      'Queues',
      graph(
        'Tickets waiting by queue',
        queueNames.map((name) =>
          props.queues[name].metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: name,
          }),
        ),
      ),
      graph(
        'Oldest waiting ticket by queue (s)',
        queueNames.map((name) =>
          props.queues[name].metricApproximateAgeOfOldestMessage({
            period: PERIOD,
            statistic: 'Maximum',
            label: name,
          }),
        ),
        { leftAnnotations: [{ value: THRESHOLDS.queueStallMinutes * 60, label: 'alarm' }] },
      ),
      graph('Dead-letter and failure queues', [
        ...queueNames.map((name) =>
          props.deadLetterQueues[name].metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: `${name} DLQ`,
          }),
        ),
        ...failureQueues.map(({ label, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label }),
        ),
      ]),
      graph('Outbox', [metric(METRICS.outboxBacklog, {}, 'pending entries')], {
        right: [metric(METRICS.outboxOldestAge, {}, 'oldest (s)')],
      }),
    );

    section(
      'Latency',
      graph(
        'API latency (ms)',
        [
          api.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50' }),
          api.metricLatency({ period: PERIOD, statistic: 'p99', label: 'p99' }),
          api.metricIntegrationLatency({ period: PERIOD, statistic: 'p99', label: 'integration p99' }),
        ],
        { leftAnnotations: [{ value: THRESHOLDS.apiP99LatencyMs, label: 'alarm' }] },
      ),
      graph(
        'Report latency p99 (ms)',
        DIMENSION_VALUES.report.map((report) => metric(METRICS.reportLatency, { report }, report)),
      ),
      graph(
        'Function duration p99 (ms)',
        perFunction((fn) => fn.function.metricDuration({ statistic: 'p99' })),
        { width: 24 },
      ),
    );
  }

  /**
   * Every alarm of the app, for the status widget. An alarm of another stack is referenced by its
   * (literal) name, so the dashboard adds no cross-stack export.
   */
  private allAlarms(): IAlarm[] {
    const here = Stack.of(this);
    return this.node.root.node
      .findAll()
      .filter((c): c is Alarm => c instanceof Alarm)
      .map((alarm, i) => {
        if (Stack.of(alarm) === here) return alarm;
        const name = (alarm.node.defaultChild as CfnAlarm).alarmName;
        if (typeof name !== 'string') throw new Error(`alarm ${alarm.node.path} has no literal name`);
        return Alarm.fromAlarmName(this, `Alarm${i}`, name);
      });
  }
}

interface RoutedMetric {
  id: string;
  dimensions: { owner: string; rule: string };
  metric: Metric;
}

/** TicketsRouted for every owner and rule. */
function routedMetrics(settings: StageSettings): RoutedMetric[] {
  return DIMENSION_VALUES.owner.flatMap((owner) =>
    DIMENSION_VALUES.rule.map((rule) => ({
      id: mathId(owner, rule),
      dimensions: { owner, rule },
      metric: customMetric(settings, METRICS.ticketsRouted, 'router', { owner, rule }),
    })),
  );
}

/** One line: the sum of the given metrics (missing ones count as 0). */
function sumOf(label: string, metrics: RoutedMetric[]): MathExpression {
  return new MathExpression({
    expression: metrics.length ? `SUM([${metrics.map((m) => m.id).join(', ')}])` : '0',
    usingMetrics: Object.fromEntries(metrics.map((m) => [m.id, m.metric])),
    label,
    period: PERIOD,
  });
}
