import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { describeAlarm, type RunbookName } from './runbooks.ts';
import { THRESHOLDS } from './thresholds.ts';

export interface PsaAlarmProps {
  metric: IMetric;
  threshold: number;
  /** What it means when it fires, in one or two sentences; the runbook link is appended. */
  description: string;
  runbook: RunbookName;
  topic: ITopic;
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  comparisonOperator?: ComparisonOperator;
  treatMissingData?: TreatMissingData;
}

/**
 * Every alarm of the system: named `psa-<stage>-<id>` without a trailing `Alarm` (the name an
 * on-call person reads in the notification), described with its runbook's link, and notifying
 * the alarm topic.
 */
export function psaAlarm(scope: Construct, id: string, props: PsaAlarmProps): Alarm {
  const stage = String(scope.node.tryGetContext('stage'));
  const alarmProps: AlarmProps = {
    alarmName: `psa-${stage}-${id.replace(/Alarm$/, '')}`,
    alarmDescription: describeAlarm(scope, props.description, props.runbook),
    metric: props.metric,
    threshold: props.threshold,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    datapointsToAlarm: props.datapointsToAlarm ?? props.evaluationPeriods ?? 1,
    comparisonOperator: props.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: props.treatMissingData ?? TreatMissingData.NOT_BREACHING,
  };
  const alarm = new Alarm(scope, id, alarmProps);
  alarm.addAlarmAction(new SnsAction(props.topic));
  return alarm;
}

/**
 * Alarms as soon as a dead-letter or failure queue holds a message: anything there is work the
 * system accepted and could not finish, and somebody has to look at it (and redrive it).
 */
export function alarmWhenQueueNotEmpty(
  scope: Construct,
  id: string,
  queue: IQueue,
  topic: ITopic,
  runbook: Extract<RunbookName, 'dead-letter-queue' | 'failure-queue'> = 'dead-letter-queue',
): Alarm {
  return psaAlarm(scope, id, {
    description: `Messages are waiting in ${queue.node.path}: inspect them and redrive once the cause is fixed.`,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    }),
    threshold: 1,
    runbook,
    topic,
  });
}

/** Alarms when the oldest message of a work queue is older than `queueStallMinutes`, twice in a row. */
export function alarmWhenQueueNotConsumed(scope: Construct, id: string, queue: IQueue, topic: ITopic): Alarm {
  return psaAlarm(scope, id, {
    description: `Tickets have waited on ${queue.node.path} for over ${THRESHOLDS.queueStallMinutes} minutes: its dispatcher has stopped consuming.`,
    metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
    threshold: THRESHOLDS.queueStallMinutes * 60,
    evaluationPeriods: 2,
    runbook: 'queue-not-consumed',
    topic,
  });
}
