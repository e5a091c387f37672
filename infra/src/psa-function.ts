import { join } from 'node:path';
import { functionEnvironment } from '@psa/aws/function-environment';
import { TABLE_DEFINITION } from '@psa/aws/table';
import { ASYNC_DELIVERY, type FunctionSpec, type QueueAccess } from '@psa/contracts/wiring';
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import { type ITableV2, TableGrants } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bundleAliasArgs } from './bundle-aliases.ts';
import type { PsaConfig } from './config.ts';
import { removalPolicyOf, retentionOf, stageSettings } from './stages.ts';

/** The stateful resources a function may be granted access to. */
export interface SharedResources {
  table: ITableV2;
  bus: IEventBus;
  queues: Record<QueueAccess, IQueue>;
  bucket: IBucket;
}

/**
 * Defines `require` in the ESM bundle: CommonJS dependencies that call `require` at run time
 * (today moment's locale loader, under date-holidays) hit esbuild's "Dynamic require of ... is
 * not supported" shim without it, because an ES module has no `require`.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __psaCreateRequire } from 'node:module'; const require = __psaCreateRequire(import.meta.url);";

export interface PsaFunctionProps {
  spec: FunctionSpec;
  resources: SharedResources;
  config: PsaConfig;
  /** Absolute path of the repository root; `spec.entry` is relative to it. */
  repoRoot: string;
  /** The issuer and audience the HTTP API's JWT authorizer checks (told to HTTP functions). */
  auth: { issuer: string; audience: string };
  /**
   * EventBridge (a subscription or a schedule) or SES (a receipt rule) invokes it asynchronously:
   * it gets a failure queue that receives the events Lambda gave up on and, as an EventBridge rule
   * target's DLQ, the events EventBridge could not deliver.
   */
  invokedAsync: boolean;
}

/**
 * One Lambda function of the wiring, with the project's defaults (Node 24 on arm64, X-Ray,
 * bundled ESM with source maps, JSON logs in a log group with the stage's retention, Powertools'
 * settings from the stage) and exactly the access its FunctionSpec declares. Every function is
 * built through this construct.
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

    const stage = stageSettings(this);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: retentionOf(stage.logRetentionDays),
      removalPolicy: removalPolicyOf(stage),
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

    const environment = functionEnvironment(
      spec,
      {
        table: resources.table.tableName,
        bus: resources.bus.eventBusName,
        bucket: resources.bucket.bucketName,
        queueUrls: {
          partner: resources.queues.partner.queueUrl,
          internal: resources.queues.internal.queueUrl,
          triage: resources.queues.triage.queueUrl,
        },
      },
      {
        auth: { mode: 'apigateway', ...props.auth },
        observability: stage,
        ...(props.config.webUrl ? { webUrl: props.config.webUrl } : {}),
      },
    );

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
      // JSON platform lines (START/REPORT) beside Powertools' JSON lines; Lambda drops application
      // lines below the stage's level, so it must match POWERTOOLS_LOG_LEVEL.
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[stage.logLevel],
      systemLogLevelV2: SystemLogLevel.INFO,
      environment: { ...environment, NODE_OPTIONS: '--enable-source-maps' },
      ...(this.failureQueue
        ? { deadLetterQueue: this.failureQueue, retryAttempts: ASYNC_DELIVERY.functionRetryAttempts }
        : {}),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        metafile: config.bundleMetafile,
        // Bundle the AWS SDK too: the deployed code runs the SDK version the tests ran.
        externalModules: [],
        // Packages replaced by lighter stand-ins (./bundle-aliases.ts says what each saves).
        esbuildArgs: bundleAliasArgs(),
        logLevel: LogLevel.ERROR,
      },
    });

    this.grantAccess(resources, config);

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).',
    });
  }

  /** Grants exactly what the spec declares, and nothing it does not. */
  private grantAccess(resources: SharedResources, config: PsaConfig): void {
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
    if (access.bucket) this.grantBucket(resources.bucket, access.bucket);
    if (access.mail) this.grantSendMail(config);
  }

  /**
   * The blob store's calls only (S3BlobStore: GetObject, PutObject), instead of `grantRead`'s
   * `s3:GetObject*`, `s3:GetBucket*`, `s3:List*` and `grantPut`'s `s3:Abort*`. ListBucket on the
   * bucket itself makes a missing key answer 404 NoSuchKey (which the store reads as "absent")
   * rather than 403. Never delete: what was accepted stays (the bucket is versioned, too).
   */
  private grantBucket(bucket: IBucket, level: 'read' | 'readwrite'): void {
    // Through the owning stack's export of the ARN: the very reference CDK would create, and
    // one whose text the acknowledgement below can name.
    const bucketArn =
      Stack.of(bucket) === Stack.of(this) ? bucket.bucketArn : Stack.of(bucket).exportValue(bucket.bucketArn);
    const objectsArn = `${bucketArn}/*`;
    Grant.addToPrincipal({ grantee: this.function, actions: ['s3:ListBucket'], resourceArns: [bucketArn] });
    Grant.addToPrincipal({
      grantee: this.function,
      actions: level === 'readwrite' ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'],
      resourceArns: [objectsArn],
    });
    const role = this.function.role;
    if (!role) throw new Error(`${this.spec.id} has no role`);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResourceText(Stack.of(this).resolve(objectsArn))}]`,
      reason:
        'Objects of the blob bucket: keys embed SES message ids, tenants, tickets and attachment ids that are only known at run time; the actions are GetObject/PutObject only.',
    });
  }

  /**
   * SES sending from the configured domain's identity only, and only with a From address the
   * receipt rule receives for (`ses:FromAddress`; SES supports no narrower resource than the
   * identity: https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html). SendRawEmail
   * covers SES v1 raw sends; the mailer uses SES v2 SendEmail with raw content.
   */
  private grantSendMail(config: PsaConfig): void {
    const fromAddresses = config.emailRecipients.map((recipient) =>
      recipient.includes('@') ? recipient : `*@${recipient}`,
    );
    Grant.addToPrincipal({
      grantee: this.function,
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resourceArns: [
        Stack.of(this).formatArn({
          service: 'ses',
          resource: 'identity',
          resourceName: config.emailDomain,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      ],
      conditions: { StringLike: { 'ses:FromAddress': fromAddresses } },
    });
  }
}

/**
 * The text cdk-nag's AwsSolutions-IAM5 finding uses for a resolved resource (its
 * flattenCfnReference): Fn::Join joined, Fn::ImportValue as the export name, GetAtt/Ref in <>.
 */
function nagResourceText(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
      return items.map(nagResourceText).join(delimiter);
    }
    if ('Fn::ImportValue' in node) return nagResourceText(node['Fn::ImportValue']);
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
      return `<${nagResourceText(resource)}.${nagResourceText(attribute)}>`;
    }
    if ('Ref' in node) return `<${nagResourceText(node.Ref)}>`;
  }
  return JSON.stringify(value);
}
