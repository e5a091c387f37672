import { METRICS } from '@psa/contracts/metrics';
import type { QueueAccess } from '@psa/contracts/wiring';
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { type Alarm, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { psaAlarm } from './alarms.ts';
import { customMetric, PERIOD } from './custom-metrics.ts';
import { SystemDashboard } from './dashboard.ts';
import type { PsaFunction } from './psa-function.ts';
import { stageSettings } from './stages.ts';
import { THRESHOLDS } from './thresholds.ts';

export interface ObservabilityProps {
  /** Every function of the wiring (PsaService builds them). */
  functions: readonly PsaFunction[];
  api: HttpApi;
  queues: Record<QueueAccess, IQueue>;
  deadLetterQueues: Record<QueueAccess, IQueue>;
  topic: ITopic;
}

/**
 * The system's alarms beyond the queue alarms (which sit beside their queues) and its one
 * dashboard. Everything is derived from the functions, queues and metric declarations it is
 * given, so a function added to the wiring gets its alarms and its lines on the dashboard.
 */
export class Observability extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: SystemDashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const settings = stageSettings(this);
    const { topic } = props;

    for (const fn of props.functions) {
      const name = fn.spec.id;
      this.alarms.push(
        psaAlarm(this, `${name}Errors`, {
          description: `${name} failed ${THRESHOLDS.functionErrors} or more times in five minutes.`,
          metric: fn.function.metricErrors({ period: PERIOD, statistic: 'Sum' }),
          threshold: THRESHOLDS.functionErrors,
          runbook: 'function-errors',
          topic,
        }),
        psaAlarm(this, `${name}Throttles`, {
          description: `Lambda throttled ${name}: invocations were refused for lack of concurrency.`,
          metric: fn.function.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
          threshold: THRESHOLDS.functionThrottles,
          runbook: 'function-throttles',
          topic,
        }),
      );
    }

    const requests = props.api.metricCount({ period: PERIOD, statistic: 'Sum' });
    const serverErrors = props.api.metricServerError({ period: PERIOD, statistic: 'Sum' });
    this.alarms.push(
      psaAlarm(this, 'Api5xxRate', {
        description: `Over ${THRESHOLDS.api5xxPercent}% of API requests answered 5xx in two of three five-minute periods.`,
        metric: new MathExpression({
          expression: `IF(requests >= ${THRESHOLDS.apiMinRequests}, 100 * errors / requests, 0)`,
          usingMetrics: { requests, errors: serverErrors },
          label: 'API 5xx %',
          period: PERIOD,
        }),
        threshold: THRESHOLDS.api5xxPercent,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        runbook: 'api-5xx-rate',
        topic,
      }),
      psaAlarm(this, 'ApiP99Latency', {
        description: `The API's p99 latency stayed over ${THRESHOLDS.apiP99LatencyMs} ms for 15 minutes.`,
        metric: props.api.metricLatency({ period: PERIOD, statistic: 'p99' }),
        threshold: THRESHOLDS.apiP99LatencyMs,
        evaluationPeriods: 3,
        runbook: 'api-latency',
        topic,
      }),
      psaAlarm(this, 'SlaSweepBehind', {
        description: `The SLA sweep's watermark trails the clock by over ${THRESHOLDS.slaSweepLagSeconds / 60} minutes, or the sweep reported nothing for ten minutes: warnings and breaches are late.`,
        metric: customMetric(settings, METRICS.slaSweepLag, 'sla'),
        threshold: THRESHOLDS.slaSweepLagSeconds,
        evaluationPeriods: 2,
        // Every sweep that completes reports its lag, 0 included, once a minute: no data for two
        // periods means no sweep completed (its schedule, its function or its table is down), which
        // is the sweep falling behind too; the function's own alarms cannot tell a schedule that
        // stopped firing.
        treatMissingData: TreatMissingData.BREACHING,
        runbook: 'sla-sweep-behind',
        topic,
      }),
      psaAlarm(this, 'OutboxBacklog', {
        description: `The transactional outbox has held undelivered entries for ${THRESHOLDS.outboxBacklogMinutes} minutes: events, queue messages or mail are stuck.`,
        // Minimum over each period: every reconciler run in it saw a backlog.
        metric: customMetric(settings, METRICS.outboxBacklog, 'outbox', {}, { statistic: 'Minimum' }),
        threshold: 1,
        evaluationPeriods: THRESHOLDS.outboxBacklogMinutes / 5,
        runbook: 'outbox-backlog',
        topic,
      }),
      psaAlarm(this, 'SesBounceRate', {
        description: `The account's SES bounce rate reached ${THRESHOLDS.sesBounceRate * 100}% (SES reviews accounts at 5%).`,
        metric: sesReputation('Reputation.BounceRate'),
        threshold: THRESHOLDS.sesBounceRate,
        runbook: 'ses-bounce-rate',
        topic,
      }),
      psaAlarm(this, 'SesComplaintRate', {
        description: `The account's SES complaint rate reached ${THRESHOLDS.sesComplaintRate * 100}% (SES reviews accounts at 0.1%).`,
        metric: sesReputation('Reputation.ComplaintRate'),
        threshold: THRESHOLDS.sesComplaintRate,
        runbook: 'ses-complaint-rate',
        topic,
      }),
    );

    this.dashboard = new SystemDashboard(this, 'Dashboard', { ...props, settings });
  }
}

/**
 * SES's account-level reputation metrics (no dimensions; values 0-1). SES publishes them only once
 * the account has had a bounce or complaint, so missing data is not breaching.
 * https://docs.aws.amazon.com/ses/latest/dg/reputationdashboard-cloudwatch-alarm.html
 */
function sesReputation(metricName: string): Metric {
  return new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
}
