import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Alarms as soon as a dead-letter or failure queue holds a message: anything there is work the
 * system accepted and could not finish, and somebody has to look at it (and redrive it).
 */
export function alarmWhenQueueNotEmpty(scope: Construct, id: string, queue: IQueue, topic: ITopic): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription: `Messages are waiting in ${queue.node.path}: inspect them and redrive once the cause is fixed.`,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}
