import { INDEX_UPGRADE_STEPS, indexesAtUpgradeStep, projectionOf, TABLE_DEFINITION } from '@psa/aws/table';
import type { QueueAccess } from '@psa/contracts/wiring';
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { alarmWhenQueueNotConsumed, alarmWhenQueueNotEmpty } from './alarms.ts';
import type { PsaConfig } from './config.ts';
import { allowSesToStoreInboundMail, INBOUND_PREFIX } from './email-receiving.ts';
import { SignInPool } from './sign-in-pool.ts';
import { blobLifecycleRules, bucketRemoval } from './stage-storage.ts';
import { removalPolicyOf, stageSettings } from './stages.ts';

/**
 * Context `indexUpgradeStep` (1 to INDEX_UPGRADE_STEPS): a stage deployed with the ticket-list
 * indexes that projected every attribute moves to the narrow ones one GSI per deploy (README,
 * "Operating in AWS"). Absent: the finished layout, which a new stage gets at once.
 */
function indexUpgradeStep(scope: Construct): number | undefined {
  const value: unknown = scope.node.tryGetContext('indexUpgradeStep');
  if (value === undefined || value === null || value === '') return undefined;
  const step = Number(value);
  if (!Number.isInteger(step) || step < 1 || step > INDEX_UPGRADE_STEPS)
    throw new Error(
      `invalid context: indexUpgradeStep: expected a whole number from 1 to ${INDEX_UPGRADE_STEPS}`,
    );
  return step;
}

/** Every work queue, in a fixed order; the record type makes the compiler check it names them all. */
const QUEUE_IDS: Record<QueueAccess, string> = { partner: 'Partner', internal: 'Internal', triage: 'Triage' };
export const QUEUES = Object.keys(QUEUE_IDS) as QueueAccess[];

/** How often a dispatcher may fail to handle a queued ticket before it moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/**
 * How long a received ticket stays invisible to other consumers. The partner's and internal IT's
 * dispatch tooling (not a Lambda function) receives a ticket, files it in its own system and
 * deletes the message; five minutes covers a slow PSA API call or a retry without letting a
 * second dispatcher pick the same ticket up.
 */
export const DISPATCH_VISIBILITY_TIMEOUT = Duration.minutes(5);

export interface StatefulStackProps extends StackProps {
  config: PsaConfig;
  /** Absolute path of the repository root (the sign-in pool's trigger is bundled from it). */
  repoRoot: string;
}

/**
 * The stateful part: what holds data and must survive the stateless services being redeployed or
 * replaced. Stacks that use these resources only reference them (grants go on their own roles), so
 * this stack never depends on them.
 */
export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly bus: EventBus;
  readonly queues: Record<QueueAccess, Queue>;
  readonly deadLetterQueues: Record<QueueAccess, Queue>;
  readonly bucket: Bucket;
  /** Alarm notifications; subscribed to `alarmEmail` when that is configured. */
  readonly alarmTopic: Topic;
  /** The Cognito user pool people sign in with, unless `jwtIssuer` names an issuer of their own. */
  readonly signInPool: SignInPool | undefined;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    this.alarmTopic = this.createAlarmTopic(props.config);
    this.signInPool = props.config.jwtIssuer
      ? undefined
      : new SignInPool(this, 'SignIn', { stage: props.config.stage, repoRoot: props.repoRoot });
    const stage = stageSettings(this);

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_DEFINITION.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_DEFINITION.sortKey, type: AttributeType.STRING },
      // Idempotency keys (24 h), mail dedupe marks (7 days), rate-limit buckets and hourly counts expire.
      timeToLiveAttribute: TABLE_DEFINITION.timeToLiveAttribute,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: stage.pointInTimeRecovery },
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: stage.deletionProtection,
      removalPolicy: removalPolicyOf(stage),
      globalSecondaryIndexes: indexesAtUpgradeStep(indexUpgradeStep(this)).map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.pk, type: AttributeType.STRING },
        sortKey: { name: index.sk, type: AttributeType.STRING },
        ...(() => {
          const p = projectionOf(index);
          if (p.type === 'INCLUDE')
            return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...p.attributes] };
          return { projectionType: p.type === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY };
        })(),
      })),
    });

    this.bus = new EventBus(this, 'Bus', {
      description: 'PSA domain events: tickets, routing, SLA, reports',
    });
    // Every event of this account, kept for the stage's eventArchiveDays: a fixed projection or a
    // new consumer replays from it.
    this.bus.archive('Archive', {
      description: 'Every PSA domain event, for replay',
      eventPattern: { account: [this.account] },
      retention: Duration.days(stage.eventArchiveDays),
    });

    const queues: Partial<Record<QueueAccess, Queue>> = {};
    const deadLetterQueues: Partial<Record<QueueAccess, Queue>> = {};
    for (const name of QUEUES) {
      const id = QUEUE_IDS[name];
      const deadLetters = new Queue(this, `${id}DeadLetterQueue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // SQS keeps a message's original enqueue time when it moves it to a DLQ, so the DLQ keeps
        // messages longer than its source queue (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
        retentionPeriod: Duration.days(14),
      });
      queues[name] = new Queue(this, `${id}Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: DISPATCH_VISIBILITY_TIMEOUT,
        retentionPeriod: Duration.days(7),
        receiveMessageWaitTime: Duration.seconds(20),
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
      });
      deadLetterQueues[name] = deadLetters;
      alarmWhenQueueNotEmpty(this, `${id}DeadLetterAlarm`, deadLetters, this.alarmTopic);
      alarmWhenQueueNotConsumed(this, `${id}NotConsumedAlarm`, queues[name]!, this.alarmTopic);
    }
    this.queues = queues as Record<QueueAccess, Queue>;
    this.deadLetterQueues = deadLetterQueues as Record<QueueAccess, Queue>;

    const accessLogs = new Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // S3 server access logging only delivers to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      ...bucketRemoval(stage),
    });

    this.bucket = new Bucket(this, 'BlobBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: stage.blobVersioning,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'blob-bucket/',
      lifecycleRules: blobLifecycleRules(stage, INBOUND_PREFIX),
      ...bucketRemoval(stage),
    });
    // SES stores received mail under inbound/; the receipt rule itself lives in the services stack.
    allowSesToStoreInboundMail(this.bucket, props.config);
  }

  private createAlarmTopic(config: PsaConfig): Topic {
    // CloudWatch alarms can publish to an encrypted topic only with a customer managed key whose
    // policy lets CloudWatch use it (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger).
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the PSA alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    if (config.alarmEmail) topic.addSubscription(new EmailSubscription(config.alarmEmail));
    return topic;
  }
}
