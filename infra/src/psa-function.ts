import { join } from 'node:path';
import type { AuthConfig, CoreConfig, QueueConfig } from '@psa/common/runtime';
import { TABLE_DEFINITION } from '@psa/common/table';
import type { FunctionSpec, QueueAccess } from '@psa/common/wiring';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type ITableV2, TableGrants } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PsaConfig } from './config.ts';

/** The stateful resources a function may be granted access to. */
export interface SharedResources {
  table: ITableV2;
  bus: IEventBus;
  queues: Record<QueueAccess, IQueue>;
  bucket: IBucket;
}

// The variable names the services' config schemas read; `satisfies` ties each to runtime.ts.
type EnvName = keyof (typeof CoreConfig)['shape'] | keyof (typeof AuthConfig)['shape'] | 'BLOB_BUCKET';
const QUEUE_URL_ENV = {
  partner: 'PARTNER_QUEUE_URL',
  internal: 'INTERNAL_QUEUE_URL',
  triage: 'TRIAGE_QUEUE_URL',
} as const satisfies Record<QueueAccess, keyof (typeof QueueConfig)['shape']>;

/**
 * Defines `require` in the ESM bundle: CommonJS dependencies that call `require` at run time
 * (today moment's locale loader, under date-holidays) hit esbuild's "Dynamic require of ... is
 * not supported" shim without it, because an ES module has no `require`.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __psaCreateRequire } from 'node:module'; const require = __psaCreateRequire(import.meta.url);";

export interface PsaFunctionProps {
  spec: FunctionSpec;
  resources: SharedResources;
  config: PsaConfig;
  /** Absolute path of the repository root; `spec.entry` is relative to it. */
  repoRoot: string;
  /**
   * EventBridge invokes it asynchronously (a subscription or a schedule): it gets a failure queue
   * that receives the events Lambda gave up on and, as the rule target's DLQ, the events
   * EventBridge could not deliver.
   */
  invokedAsync: boolean;
  /** It serves HTTP API routes: it reads the JWT authorizer's verified claims. */
  servesHttp: boolean;
}

/**
 * One Lambda function of the wiring, with the project's defaults (Node 24 on arm64, X-Ray,
 * bundled ESM with source maps, a log group with retention) and exactly the access its
 * FunctionSpec declares. Every function is built through this construct.
 */
export class PsaFunction extends Construct {
  readonly spec: FunctionSpec;
  readonly function: NodejsFunction;
  /** Present when `invokedAsync`: failed async invocations and undeliverable events land here. */
  readonly failureQueue: Queue | undefined;

  constructor(scope: Construct, id: string, props: PsaFunctionProps) {
    super(scope, id);
    const { spec, resources, config } = props;
    this.spec = spec;

    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${spec.id}`,
    });
    logGroup.grantWrite(role);

    if (props.invokedAsync) {
      this.failureQueue = new Queue(this, 'FailureQueue', {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
    }

    const environment: Partial<Record<EnvName | (typeof QUEUE_URL_ENV)[QueueAccess], string>> = {
      TABLE_NAME: resources.table.tableName,
      EVENT_BUS_NAME: resources.bus.eventBusName,
      POWERTOOLS_SERVICE_NAME: spec.service,
    };
    for (const queue of spec.access.queues ?? []) {
      environment[QUEUE_URL_ENV[queue]] = resources.queues[queue].queueUrl;
    }
    if (spec.access.bucket) environment.BLOB_BUCKET = resources.bucket.bucketName;
    if (props.servesHttp) {
      environment.AUTH_MODE = 'apigateway';
      environment.JWT_ISSUER = config.jwtIssuer;
      environment.JWT_AUDIENCE = config.jwtAudience;
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(props.repoRoot, spec.entry),
      handler: 'handler',
      projectRoot: props.repoRoot,
      depsLockFilePath: join(props.repoRoot, 'package-lock.json'),
      description: spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      environment: { ...environment, NODE_OPTIONS: '--enable-source-maps' },
      ...(this.failureQueue ? { deadLetterQueue: this.failureQueue, retryAttempts: 2 } : {}),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too: the deployed code runs the SDK version the tests ran.
        externalModules: [],
        logLevel: LogLevel.ERROR,
      },
    });

    this.grantAccess(resources);

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).',
    });
  }

  /** Grants exactly what the spec declares, and nothing it does not. */
  private grantAccess(resources: SharedResources): void {
    const { access } = this.spec;
    const fn = this.function;
    // The table's own ARN only (hasIndex false): `grantReadData` would add `<table>/index/*`.
    const tableGrants = TableGrants.fromTable(resources.table, undefined, false);
    if (access.table === 'readwrite') tableGrants.readWriteData(fn);
    else tableGrants.readData(fn);
    // Each declared index by name, and only Query: indexes are read, never scanned or written.
    Grant.addToPrincipal({
      grantee: fn,
      actions: ['dynamodb:Query'],
      resourceArns: TABLE_DEFINITION.indexes.map(
        (index) => `${resources.table.tableArn}/index/${index.name}`,
      ),
    });
    if (access.bus) resources.bus.grantPutEventsTo(fn);
    for (const queue of access.queues ?? []) resources.queues[queue].grantSendMessages(fn);
    if (access.bucket === 'read') resources.bucket.grantRead(fn);
    if (access.bucket === 'readwrite') {
      // Read and put, never delete: what was accepted stays (the bucket is versioned, too).
      resources.bucket.grantRead(fn);
      resources.bucket.grantPut(fn);
    }
  }
}
