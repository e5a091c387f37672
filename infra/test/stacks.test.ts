import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionEnvironment } from '@psa/aws/function-environment';
import { INDEX_UPGRADE_STEPS, indexesAtUpgradeStep, RETIRED_INDEXES, TABLE_INDEXES } from '@psa/aws/table';
import { projectionFor } from '@psa/aws/table-admin';
import { INBOUND_PREFIX } from '@psa/contracts/email-keys';
import { intakeRoutes } from '@psa/contracts/http/intake-routes';
import {
  FUNCTIONS,
  type FunctionId,
  type FunctionSpec,
  HTTP_ROUTES,
  type QueueAccess,
  SCHEDULES,
  SUBSCRIPTIONS,
} from '@psa/contracts/wiring';
import { buildWeb, webBuildIsStale } from '@psa/web/build';
import { App, Aws, type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_MAIL_FUNCTION, receiptRuleArn, receiptRuleNames } from '../src/email-receiving.ts';
import { addPsaStacks, type PsaStacks } from '../src/psa-app.ts';
import type { PsaFunction } from '../src/psa-function.ts';
import { stageSettings } from '../src/stages.ts';
import { MAX_RECEIVE_COUNT, QUEUES } from '../src/stateful-stack.ts';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** The context `cdk synth` uses (cdk.json: config and feature flags), with bundling skipped. */
function testApp(extra: Json = {}): App {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Json;
  };
  // No jwtIssuer: the app makes its own Cognito user pool. The email domain is what cdk.json's
  // stages set, given here too for the stages cdk.json does not list.
  const context = { ...cdkJson.context, emailDomain: 'support.example.com', 'aws:cdk:bundling-stacks': [] };
  // An explicit outdir, removed after the suite: otherwise every App leaves a cdk.out* folder in the
  // system temp directory.
  const outdir = mkdtempSync(join(tmpdir(), 'psa-cdk-test-'));
  outdirs.push(outdir);
  return new App({ outdir, context: { ...context, ...extra } });
}

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

const logicalId = (construct: IConstruct): string => {
  const stack = Stack.of(construct);
  return stack.getLogicalId(construct.node.defaultChild as CfnResource);
};
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

let stacks: PsaStacks;
let stateful: Template;
let services: Template;
let statefulResources: Record<string, Resource>;
let servicesResources: Record<string, Resource>;
/** Export name -> exported value, so grants in the services stack resolve to stateful resources. */
let exportsByName: Map<string, unknown>;

beforeAll(() => {
  // The distribution deploys web/dist: build it if its sources changed (npm test's pretest does).
  if (webBuildIsStale()) buildWeb();
  // The stage that keeps its data (stages.test.ts compares it with the disposable dev stage).
  stacks = addPsaStacks(testApp({ stage: 'prod' }));
  stateful = Template.fromStack(stacks.stateful);
  services = Template.fromStack(stacks.services);
  statefulResources = stateful.toJSON().Resources;
  servicesResources = services.toJSON().Resources;
  exportsByName = new Map();
  for (const output of Object.values(stateful.toJSON().Outputs as Record<string, Json>)) {
    const name = (output.Export as { Name?: unknown } | undefined)?.Name;
    if (typeof name === 'string') exportsByName.set(name, output.Value);
  }
});

/** Replaces every `Fn::ImportValue` with the value the stateful stack exports under that name. */
function resolveImports(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveImports);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === 'Fn::ImportValue') {
      const name = entries[0][1];
      if (typeof name !== 'string' || !exportsByName.has(name))
        throw new Error(`unknown import ${String(name)}`);
      return exportsByName.get(name);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolveImports(v)]));
  }
  return value;
}

function psaFunction(id: FunctionId): PsaFunction {
  for (const service of stacks.services.services.values()) {
    const fn = service.functions.get(id);
    if (fn) return fn;
  }
  throw new Error(`no PsaFunction ${id}`);
}

function functionResource(id: FunctionId): Resource {
  const resource = servicesResources[logicalId(psaFunction(id).function)];
  if (!resource) throw new Error(`no Lambda resource for ${id}`);
  return resource;
}

function authorizer(): Resource {
  const found = Object.values(servicesResources).find((r) => r.Type === 'AWS::ApiGatewayV2::Authorizer');
  if (!found) throw new Error('no JWT authorizer');
  return found;
}

/** Every statement of the function's execution role's policies, imports resolved. */
function statements(id: FunctionId): Json[] {
  const role = functionResource(id).Properties.Role as { 'Fn::GetAtt': [string, string] };
  const roleId = role['Fn::GetAtt'][0];
  const found: Json[] = [];
  for (const policy of Object.values(servicesResources)) {
    if (policy.Type !== 'AWS::IAM::Policy') continue;
    const roles = policy.Properties.Roles as Json[];
    if (!roles.some((r) => r.Ref === roleId)) continue;
    const doc = policy.Properties.PolicyDocument as { Statement: Json[] };
    for (const statement of doc.Statement) {
      expect(statement.Effect).toBe('Allow');
      found.push(resolveImports(statement) as Json);
    }
  }
  return found;
}

/** Every (action, resource) pair the function's execution role allows, imports resolved. */
function permissions(id: FunctionId): Array<{ action: string; resource: string }> {
  const pairs: Array<{ action: string; resource: string }> = [];
  for (const statement of statements(id)) {
    const actions = [statement.Action].flat() as string[];
    const resources = [statement.Resource].flat().map((r) => JSON.stringify(r));
    for (const action of actions) for (const resource of resources) pairs.push({ action, resource });
  }
  return pairs;
}

/** The SES receipt rule's ARN as the given stack renders it (its SourceArn in policies). */
const ruleArnIn = (stack: Stack) =>
  JSON.stringify(stack.resolve(receiptRuleArn(stack, receiptRuleNames(stacks.config))));

const statefulQueueArn = (name: QueueAccess) =>
  JSON.stringify(arnOf(logicalId(stacks.stateful.queues[name])));
const statefulDlqArn = (name: QueueAccess) =>
  JSON.stringify(arnOf(logicalId(stacks.stateful.deadLetterQueues[name])));
const tableArn = () => JSON.stringify(arnOf(logicalId(stacks.stateful.table)));

describe('functions', () => {
  it('creates one Node 24 arm64 function per FUNCTIONS entry, sized as declared', () => {
    // Besides them, only CDK's BucketDeployment handler, which copies the web app into its bucket.
    const others = Object.entries(servicesResources).filter(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && !id.startsWith('CustomCDKBucketDeployment'),
    );
    expect(others).toHaveLength(FUNCTIONS.length);
    for (const spec of FUNCTIONS) {
      const props = functionResource(spec.id).Properties;
      expect(props.Runtime, spec.id).toBe('nodejs24.x');
      expect(props.Architectures, spec.id).toEqual(['arm64']);
      expect(props.MemorySize, spec.id).toBe(spec.memoryMb);
      expect(props.Timeout, spec.id).toBe(spec.timeoutSeconds);
      expect(props.TracingConfig, spec.id).toEqual({ Mode: 'Active' });
      expect(props.Handler, spec.id).toBe('index.handler');
      expect(props.Description, spec.id).toBe(spec.description);
    }
  });

  it('gives each function its own log group with a retention', () => {
    for (const spec of FUNCTIONS) {
      const logGroup = (functionResource(spec.id).Properties.LoggingConfig as { LogGroup: { Ref: string } })
        .LogGroup;
      expect(servicesResources[logGroup.Ref]?.Properties.RetentionInDays, spec.id).toBeGreaterThan(0);
    }
  });

  it('sets the variables the config schemas read, the JWT settings only on API functions, and never the clock offset', () => {
    const httpFunctions = new Set<string>(HTTP_ROUTES.map((r) => r.functionId));
    for (const spec of FUNCTIONS as readonly FunctionSpec[]) {
      const env = resolveImports(
        (functionResource(spec.id as FunctionId).Properties.Environment as Json).Variables,
      ) as Json;
      expect(env.TABLE_NAME, spec.id).toEqual({ Ref: logicalId(stacks.stateful.table) });
      expect(env.EVENT_BUS_NAME, spec.id).toEqual({ Ref: logicalId(stacks.stateful.bus) });
      expect(env.POWERTOOLS_SERVICE_NAME, spec.id).toBe(spec.service);
      expect(env, spec.id).not.toHaveProperty('PSA_CLOCK_OFFSET_MS');
      const queueVars = {
        partner: 'PARTNER_QUEUE_URL',
        internal: 'INTERNAL_QUEUE_URL',
        triage: 'TRIAGE_QUEUE_URL',
      };
      for (const queue of QUEUES) {
        if (spec.access.queues?.includes(queue)) {
          expect(env[queueVars[queue]], spec.id).toEqual({ Ref: logicalId(stacks.stateful.queues[queue]) });
        } else {
          expect(env, spec.id).not.toHaveProperty(queueVars[queue]);
        }
      }
      if (spec.access.bucket)
        expect(env.BLOB_BUCKET, spec.id).toEqual({ Ref: logicalId(stacks.stateful.bucket) });
      else expect(env, spec.id).not.toHaveProperty('BLOB_BUCKET');
      // Mail goes through SES with no setting; locally the runtime serves the SES API instead.
      expect(
        Object.keys(env).filter((name) => name.startsWith('MAIL_')),
        spec.id,
      ).toEqual([]);
      if (httpFunctions.has(spec.id)) {
        const jwt = authorizer().Properties.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
        expect(env, spec.id).toMatchObject({
          AUTH_MODE: 'apigateway',
          JWT_ISSUER: resolveImports(jwt.Issuer),
          JWT_AUDIENCE: resolveImports(jwt.Audience[0]),
        });
      } else {
        expect(env, spec.id).not.toHaveProperty('AUTH_MODE');
      }
    }
  });

  it('gives each function exactly the variables functionEnvironment derives from its spec (as the local runtime does)', () => {
    const names = {
      table: 't',
      bus: 'b',
      bucket: 'k',
      queueUrls: { partner: 'p', internal: 'i', triage: 'x' },
    };
    const auth = { mode: 'apigateway', issuer: 'i', audience: 'a' } as const;
    for (const spec of FUNCTIONS as readonly FunctionSpec[]) {
      const env = (functionResource(spec.id as FunctionId).Properties.Environment as Json).Variables as Json;
      const observability = stageSettings(stacks.services);
      const expected = [
        ...Object.keys(functionEnvironment(spec, names, { auth, observability })),
        'NODE_OPTIONS',
      ];
      expect(Object.keys(env).sort(), spec.id).toEqual(expected.sort());
    }
  });

  it('dead-letters failed async invocations of every EventBridge- or SES-invoked function, and only those', () => {
    const invokedAsync = new Set<string>([
      ...[...SUBSCRIPTIONS, ...SCHEDULES].map((s) => s.functionId),
      'IntakeEmail',
    ]);
    expect(INBOUND_MAIL_FUNCTION).toBe('IntakeEmail');
    for (const spec of FUNCTIONS) {
      const fn = psaFunction(spec.id);
      const deadLetter = functionResource(spec.id).Properties.DeadLetterConfig as
        | { TargetArn: unknown }
        | undefined;
      if (invokedAsync.has(spec.id)) {
        expect(fn.failureQueue, spec.id).toBeDefined();
        expect(deadLetter?.TargetArn, spec.id).toEqual(arnOf(logicalId(fn.failureQueue!)));
      } else {
        expect(deadLetter, spec.id).toBeUndefined();
      }
    }
    services.resourceCountIs('AWS::Lambda::EventInvokeConfig', invokedAsync.size);
  });
});

describe('least privilege', () => {
  it('grants table writes only to readwrite functions, and only Query on each declared index', () => {
    const indexArns = Object.values(TABLE_INDEXES).map((index) =>
      JSON.stringify({ 'Fn::Join': ['', [arnOf(logicalId(stacks.stateful.table)), `/index/${index.name}`]] }),
    );
    for (const spec of FUNCTIONS as readonly FunctionSpec[]) {
      const perms = permissions(spec.id as FunctionId);
      const onTable = perms.filter((p) => p.resource === tableArn()).map((p) => p.action);
      expect(onTable, spec.id).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      if (spec.access.table === 'read')
        expect(
          onTable.filter((a) => WRITE_ACTIONS.includes(a)),
          spec.id,
        ).toEqual([]);
      else expect(onTable, spec.id).toEqual(expect.arrayContaining(WRITE_ACTIONS));
      const onIndexes = perms.filter((p) => p.resource.includes('/index/'));
      expect(
        onIndexes.every((p) => p.action === 'dynamodb:Query'),
        spec.id,
      ).toBe(true);
      expect(onIndexes.map((p) => p.resource).sort(), spec.id).toEqual([...indexArns].sort());
      expect(
        perms.some((p) => p.resource.includes('*') && p.action.startsWith('dynamodb:')),
        spec.id,
      ).toBe(false);
    }
  });

  it('keeps the reporting API read-only: no table writes, no queue sends, no events', () => {
    const perms = permissions('ReportingApi');
    expect(perms.filter((p) => WRITE_ACTIONS.includes(p.action))).toEqual([]);
    expect(perms.filter((p) => p.action.startsWith('sqs:'))).toEqual([]);
    expect(perms.filter((p) => p.action.startsWith('events:'))).toEqual([]);
    expect(perms.filter((p) => p.action.startsWith('s3:'))).toEqual([]);
  });

  it('lets a function send to exactly the work queues its spec names, and never to their DLQs', () => {
    for (const spec of FUNCTIONS as readonly FunctionSpec[]) {
      const sends = permissions(spec.id as FunctionId)
        .filter((p) => p.action === 'sqs:SendMessage')
        .map((p) => p.resource);
      const allowed = QUEUES.filter((queue) => sends.includes(statefulQueueArn(queue)));
      expect(allowed, spec.id).toEqual(QUEUES.filter((queue) => spec.access.queues?.includes(queue)));
      for (const queue of QUEUES) expect(sends, spec.id).not.toContain(statefulDlqArn(queue));
    }
    const router = permissions('RouterOnTicketReceived').filter((p) => p.action === 'sqs:SendMessage');
    expect(router.map((p) => p.resource)).toEqual(expect.arrayContaining(QUEUES.map(statefulQueueArn)));
  });

  it('lets only functions with bus access put events, on the PSA bus only', () => {
    const busArn = JSON.stringify(arnOf(logicalId(stacks.stateful.bus)));
    for (const spec of FUNCTIONS as readonly FunctionSpec[]) {
      const puts = permissions(spec.id as FunctionId).filter((p) => p.action === 'events:PutEvents');
      expect(
        puts.map((p) => p.resource),
        spec.id,
      ).toEqual(spec.access.bus ? [busArn] : []);
    }
  });

  it('lets only functions with access.mail send mail: from the domain’s SES identity, with a received-for From', () => {
    const identityArn = JSON.stringify(
      stacks.services.resolve(
        `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:identity/${stacks.config.emailDomain}`,
      ),
    );
    const senders: string[] = [];
    for (const spec of FUNCTIONS as readonly FunctionSpec[]) {
      const ses = statements(spec.id as FunctionId).filter((s) =>
        ([s.Action].flat() as string[]).some((a) => a.startsWith('ses:')),
      );
      if (!spec.access.mail) {
        expect(ses, spec.id).toEqual([]);
        continue;
      }
      senders.push(spec.id);
      expect(ses, spec.id).toHaveLength(1);
      const [statement] = ses as [Json];
      expect([statement.Action].flat().sort(), spec.id).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect(
        [statement.Resource].flat().map((r) => JSON.stringify(r)),
        spec.id,
      ).toEqual([identityArn]);
      expect(statement.Condition, spec.id).toEqual({
        StringLike: { 'ses:FromAddress': ['support@support.example.com'] },
      });
    }
    expect(senders).toEqual(expect.arrayContaining(['IntakeApi', 'IntakeEmail', 'OutboxReconciler']));
  });

  it('lets a from address be any on the domain only when the whole domain is a recipient', () => {
    const { services: stack } = addPsaStacks(testApp({ emailRecipients: 'support.example.com' }));
    const sesStatements = Object.values(
      Template.fromStack(stack).toJSON().Resources as Record<string, Resource>,
    )
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Json[] }).Statement)
      .filter((s) => JSON.stringify(s.Action).includes('ses:'));
    expect(sesStatements.length).toBeGreaterThan(0);
    for (const statement of sesStatements)
      expect(statement.Condition).toEqual({ StringLike: { 'ses:FromAddress': ['*@support.example.com'] } });
  });

  it('gives bucket functions GetObject (and PutObject if readwrite) on objects and ListBucket, never delete', () => {
    const bucketArn = arnOf(logicalId(stacks.stateful.bucket));
    const objectsArn = JSON.stringify({ 'Fn::Join': ['', [bucketArn, '/*']] });
    for (const spec of FUNCTIONS as readonly FunctionSpec[]) {
      const s3 = permissions(spec.id as FunctionId)
        .filter((p) => p.action.startsWith('s3:'))
        .map((p) => `${p.action} ${p.resource}`)
        .sort();
      const expected = !spec.access.bucket
        ? []
        : [
            `s3:GetObject ${objectsArn}`,
            `s3:ListBucket ${JSON.stringify(bucketArn)}`,
            ...(spec.access.bucket === 'readwrite' ? [`s3:PutObject ${objectsArn}`] : []),
          ].sort();
      expect(s3, spec.id).toEqual(expected);
    }
    for (const id of ['IntakeEmail', 'IntakeApi'] as const) {
      const actions = permissions(id)
        .filter((p) => p.resource === objectsArn)
        .map((p) => p.action);
      expect(actions, id).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject']));
    }
  });

  it('allows a wildcard resource only for the X-Ray actions', () => {
    for (const spec of FUNCTIONS) {
      const wildcard = permissions(spec.id).filter((p) => p.resource === '"*"');
      expect(wildcard.map((p) => p.action).sort(), spec.id).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    }
  });
});

describe('events', () => {
  const rules = () => Object.values(servicesResources).filter((r) => r.Type === 'AWS::Events::Rule');
  const targetOf = (rule: Resource) => (rule.Properties.Targets as Json[])[0] as Json;

  it('creates one rule per subscription with the wiring’s exact pattern, on the PSA bus', () => {
    const patternRules = rules().filter((r) => r.Properties.EventPattern);
    expect(patternRules).toHaveLength(SUBSCRIPTIONS.length);
    for (const subscription of SUBSCRIPTIONS) {
      const fn = psaFunction(subscription.functionId);
      const matching = patternRules.filter(
        (r) => JSON.stringify(targetOf(r).Arn) === JSON.stringify(arnOf(logicalId(fn.function))),
      );
      expect(matching, subscription.id).toHaveLength(1);
      const rule = matching[0]!;
      expect(rule.Properties.EventPattern, subscription.id).toEqual(subscription.pattern);
      expect(resolveImports(rule.Properties.EventBusName), subscription.id).toEqual({
        Ref: logicalId(stacks.stateful.bus),
      });
      expect(targetOf(rule).DeadLetterConfig, subscription.id).toEqual({
        Arn: arnOf(logicalId(fn.failureQueue!)),
      });
      expect(targetOf(rule).RetryPolicy, subscription.id).toMatchObject({
        MaximumRetryAttempts: expect.any(Number),
      });
    }
  });

  it('creates one schedule per SCHEDULES entry at the declared rate, with retries and a DLQ', () => {
    const scheduleRules = rules().filter((r) => r.Properties.ScheduleExpression);
    expect(scheduleRules).toHaveLength(SCHEDULES.length);
    const unitMinutes: Record<string, number> = {
      minute: 1,
      minutes: 1,
      hour: 60,
      hours: 60,
      day: 1440,
      days: 1440,
    };
    for (const schedule of SCHEDULES) {
      const fn = psaFunction(schedule.functionId);
      const rule = scheduleRules.find(
        (r) => JSON.stringify(targetOf(r).Arn) === JSON.stringify(arnOf(logicalId(fn.function))),
      );
      expect(rule, schedule.id).toBeDefined();
      const match = /^rate\((\d+) (\w+)\)$/.exec(String(rule!.Properties.ScheduleExpression));
      expect(match, schedule.id).not.toBeNull();
      expect(Number(match![1]) * unitMinutes[match![2]!]!, schedule.id).toBe(schedule.everyMinutes);
      expect(rule!.Properties.EventBusName, schedule.id).toBeUndefined();
      expect(targetOf(rule!).DeadLetterConfig, schedule.id).toEqual({
        Arn: arnOf(logicalId(fn.failureQueue!)),
      });
      expect(targetOf(rule!).RetryPolicy, schedule.id).toBeDefined();
    }
  });

  it('lets EventBridge write to a failure queue only from that function’s own rules', () => {
    for (const spec of FUNCTIONS) {
      const queue = psaFunction(spec.id).failureQueue;
      if (!queue) continue;
      const policy = Object.values(servicesResources).find(
        (r) =>
          r.Type === 'AWS::SQS::QueuePolicy' &&
          JSON.stringify(r.Properties.Queues) === JSON.stringify([{ Ref: logicalId(queue) }]),
      );
      expect(policy, spec.id).toBeDefined();
      const statements = (policy!.Properties.PolicyDocument as { Statement: Json[] }).Statement;
      const fromEvents = statements.filter((s) =>
        JSON.stringify(s.Principal).includes('events.amazonaws.com'),
      );
      const ruleIds = Object.entries(servicesResources)
        .filter(([, r]) => r.Type === 'AWS::Events::Rule')
        .filter(
          ([, r]) =>
            JSON.stringify(targetOf(r).Arn) ===
            JSON.stringify(arnOf(logicalId(psaFunction(spec.id).function))),
        )
        .map(([id]) => ({ 'aws:SourceArn': arnOf(id) }));
      expect(
        fromEvents.map((s) => (s.Condition as Json).ArnEquals),
        spec.id,
      ).toEqual(ruleIds);
    }
  });

  it('archives the bus’s events for replay', () => {
    stateful.resourceCountIs('AWS::Events::Archive', 1);
    stateful.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: arnOf(logicalId(stacks.stateful.bus)),
      RetentionDays: 365,
    });
  });
});

describe('queues', () => {
  it('gives each work queue a DLQ after MAX_RECEIVE_COUNT receives, SSE, TLS-only access and a dispatch-sized visibility timeout', () => {
    expect(MAX_RECEIVE_COUNT).toBe(5);
    for (const name of QUEUES) {
      const queue = statefulResources[logicalId(stacks.stateful.queues[name])]!;
      expect(queue.Properties.RedrivePolicy, name).toEqual({
        deadLetterTargetArn: arnOf(logicalId(stacks.stateful.deadLetterQueues[name])),
        maxReceiveCount: 5,
      });
      expect(queue.Properties.SqsManagedSseEnabled, name).toBe(true);
      expect(queue.Properties.VisibilityTimeout, name).toBeGreaterThanOrEqual(60);
      const dlq = statefulResources[logicalId(stacks.stateful.deadLetterQueues[name])]!;
      expect(dlq.Properties.SqsManagedSseEnabled, name).toBe(true);
      expect(dlq.Properties.MessageRetentionPeriod, name).toBeGreaterThan(
        Number(queue.Properties.MessageRetentionPeriod),
      );
      for (const q of [stacks.stateful.queues[name], stacks.stateful.deadLetterQueues[name]]) {
        stateful.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: logicalId(q) }],
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Deny',
                Action: 'sqs:*',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          },
        });
      }
    }
  });

  it('alarms on every dead-letter and failure queue', () => {
    const watched = (template: Template) =>
      Object.values(template.toJSON().Resources as Record<string, Resource>)
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.Dimensions)
        .map((r) => JSON.stringify((r.Properties.Dimensions as Json[])[0]?.Value));
    for (const name of QUEUES) {
      expect(watched(stateful)).toContain(
        JSON.stringify({ 'Fn::GetAtt': [logicalId(stacks.stateful.deadLetterQueues[name]), 'QueueName'] }),
      );
    }
    for (const spec of FUNCTIONS) {
      const queue = psaFunction(spec.id).failureQueue;
      if (queue)
        expect(watched(services)).toContain(
          JSON.stringify({ 'Fn::GetAtt': [logicalId(queue), 'QueueName'] }),
        );
    }
  });
});

describe('email receiving', () => {
  const ofType = (type: string) => Object.entries(servicesResources).filter(([, r]) => r.Type === type);
  const intakeEmailArn = () => arnOf(logicalId(psaFunction('IntakeEmail').function));

  it('has one rule for the configured recipients: spam/virus scan, TLS required, S3 under inbound/ then IntakeEmail', () => {
    const names = receiptRuleNames(stacks.config);
    const ruleSets = ofType('AWS::SES::ReceiptRuleSet');
    expect(ruleSets).toHaveLength(1);
    const [ruleSetId, ruleSet] = ruleSets[0]!;
    expect(ruleSet.Properties.RuleSetName).toBe(names.ruleSetName);
    const rules = ofType('AWS::SES::ReceiptRule');
    expect(rules).toHaveLength(1);
    const { Rule: rule, RuleSetName } = rules[0]![1].Properties as { Rule: Json; RuleSetName: unknown };
    expect(RuleSetName).toEqual({ Ref: ruleSetId });
    expect(stacks.config.emailRecipients).toEqual(['support@support.example.com']);
    expect(rule).toMatchObject({
      Name: names.ruleName,
      Enabled: true,
      Recipients: stacks.config.emailRecipients,
      ScanEnabled: true,
      TlsPolicy: 'Require',
    });
    const actions = rule.Actions as Json[];
    expect(actions.map((action) => Object.keys(action))).toEqual([['S3Action'], ['LambdaAction']]);
    expect(INBOUND_PREFIX).toBe('inbound/');
    expect(resolveImports(actions[0]!.S3Action)).toEqual({
      BucketName: { Ref: logicalId(stacks.stateful.bucket) },
      ObjectKeyPrefix: INBOUND_PREFIX,
    });
    expect(actions[1]!.LambdaAction).toEqual({ FunctionArn: intakeEmailArn(), InvocationType: 'Event' });
  });

  it('lets SES invoke IntakeEmail for this account’s rule only, and creates the rule after that permission', () => {
    const fromSes = ofType('AWS::Lambda::Permission').filter(
      ([, r]) => r.Properties.Principal === 'ses.amazonaws.com',
    );
    expect(fromSes).toHaveLength(1);
    const [permissionId, permission] = fromSes[0]!;
    expect(permission.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: intakeEmailArn(),
      Principal: 'ses.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: JSON.parse(ruleArnIn(stacks.services)),
    });
    const rule = ofType('AWS::SES::ReceiptRule')[0]![1] as Resource & { DependsOn?: string[] };
    expect(rule.DependsOn).toContain(permissionId);
  });

  it('lets SES put into the blob bucket only under inbound/, from this account’s rule', () => {
    const bucketId = logicalId(stacks.stateful.bucket);
    const policies = Object.values(statefulResources).filter((r) => r.Type === 'AWS::S3::BucketPolicy');
    const fromSes = policies.flatMap((policy) =>
      (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement.filter((s) =>
        JSON.stringify(s.Principal).includes('ses.amazonaws.com'),
      ).map((statement) => ({ bucket: policy.Properties.Bucket, statement })),
    );
    expect(fromSes).toHaveLength(1);
    const [{ bucket, statement }] = fromSes as [{ bucket: unknown; statement: Json }];
    expect(bucket).toEqual({ Ref: bucketId });
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'ses.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [arnOf(bucketId), `/${INBOUND_PREFIX}*`]] },
    });
    expect(statement.Condition).toEqual({
      StringEquals: {
        'aws:SourceAccount': { Ref: 'AWS::AccountId' },
        'aws:SourceArn': JSON.parse(ruleArnIn(stacks.stateful)),
      },
    });
  });

  it('keeps raw mail: inbound/ moves to a cheaper storage class after 30 days and never expires', () => {
    const bucket = statefulResources[logicalId(stacks.stateful.bucket)]!;
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Json[] }).Rules;
    const inbound = rules.filter((r) => r.Prefix === INBOUND_PREFIX);
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({
      Status: 'Enabled',
      Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
    });
    // No rule (for inbound/ or the whole bucket) expires current objects.
    for (const rule of rules) {
      expect(rule).not.toHaveProperty('ExpirationInDays');
      expect(rule).not.toHaveProperty('ExpirationDate');
    }
  });

  it('outputs the rule set name and the command that makes it the active one', () => {
    const outputs = services.toJSON().Outputs as Record<string, { Value: unknown }>;
    const ruleSetId = ofType('AWS::SES::ReceiptRuleSet')[0]![0];
    expect(outputs.ReceiptRuleSetName?.Value).toEqual({ Ref: ruleSetId });
    const { ruleSetName } = receiptRuleNames(stacks.config);
    expect(outputs.ActivateReceiptRuleSetCommand?.Value).toEqual({
      'Fn::Join': [
        '',
        [
          `aws ses set-active-receipt-rule-set --rule-set-name ${ruleSetName} --region `,
          { Ref: 'AWS::Region' },
        ],
      ],
    });
    expect(JSON.stringify(outputs.MxRecord?.Value)).toContain('inbound-smtp.');
  });
});

describe('HTTP API', () => {
  const apiRoutes = () =>
    Object.values(servicesResources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');

  it('creates one route per HTTP_ROUTES entry, to the declared function, JWT-authorized unless declared public', () => {
    expect(apiRoutes()).toHaveLength(HTTP_ROUTES.length);
    const authorizers = Object.entries(servicesResources).filter(
      ([, r]) => r.Type === 'AWS::ApiGatewayV2::Authorizer',
    );
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0]!;
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
    for (const route of HTTP_ROUTES) {
      const key = `${route.method} ${route.path}`;
      const found = apiRoutes().find((r) => r.Properties.RouteKey === key);
      expect(found, key).toBeDefined();
      if (route.authorized) {
        expect(found!.Properties.AuthorizationType, key).toBe('JWT');
        expect(found!.Properties.AuthorizerId, key).toEqual({ Ref: authorizerId });
      } else {
        expect(found!.Properties.AuthorizationType, key).toBe('NONE');
        expect(found!.Properties.AuthorizerId, key).toBeUndefined();
      }
      const target = found!.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      const integration = servicesResources[target['Fn::Join'][1][1].Ref]!;
      expect(integration.Properties.IntegrationUri, key).toEqual(
        arnOf(logicalId(psaFunction(route.functionId).function)),
      );
    }
  });

  it('serves attachment download and quarantine list from IntakeApi, reprocess from IntakeReprocessApi, behind the JWT authorizer', () => {
    const [authorizerId] = Object.entries(servicesResources).find(
      ([, r]) => r.Type === 'AWS::ApiGatewayV2::Authorizer',
    )!;
    for (const [route, functionId] of [
      [intakeRoutes.getAttachment, 'IntakeApi'],
      [intakeRoutes.listQuarantine, 'IntakeApi'],
      [intakeRoutes.reprocessQuarantined, 'IntakeReprocessApi'],
    ] as const) {
      const key = `${route.method.toUpperCase()} ${route.path}`;
      const found = apiRoutes().find((r) => r.Properties.RouteKey === key);
      expect(found, key).toBeDefined();
      expect(found!.Properties.AuthorizationType, key).toBe('JWT');
      expect(found!.Properties.AuthorizerId, key).toEqual({ Ref: authorizerId });
      const target = found!.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      expect(servicesResources[target['Fn::Join'][1][1].Ref]!.Properties.IntegrationUri, key).toEqual(
        arnOf(logicalId(psaFunction(functionId).function)),
      );
    }
  });

  it('logs every request of the default stage as JSON and throttles it', () => {
    const stage = Object.values(servicesResources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
    expect(stage.Properties.StageName).toBe('$default');
    const logSettings = stage.Properties.AccessLogSettings as {
      DestinationArn: { 'Fn::GetAtt': [string] };
      Format: string;
    };
    expect(servicesResources[logSettings.DestinationArn['Fn::GetAtt'][0]]?.Type).toBe('AWS::Logs::LogGroup');
    expect(JSON.parse(logSettings.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: expect.any(Number) });
  });
});

describe('stateful resources', () => {
  it('creates the table from TABLE_DEFINITION with exactly the GSIs of TABLE_INDEXES', () => {
    const table = statefulResources[logicalId(stacks.stateful.table)]!;
    expect(table.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const gsis = (table.Properties.GlobalSecondaryIndexes as Json[]).map((gsi) => ({
      name: gsi.IndexName,
      keys: gsi.KeySchema,
      projection: gsi.Projection,
    }));
    expect(gsis.sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual(
      Object.values(TABLE_INDEXES)
        .map((index) => ({
          name: index.name,
          keys: [
            { AttributeName: index.pk, KeyType: 'HASH' },
            { AttributeName: index.sk, KeyType: 'RANGE' },
          ],
          projection: projectionFor(index),
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
    const attributes = table.Properties.AttributeDefinitions as Array<{
      AttributeName: string;
      AttributeType: string;
    }>;
    const keyNames = ['pk', 'sk', ...Object.values(TABLE_INDEXES).flatMap((index) => [index.pk, index.sk])];
    expect(attributes.map((a) => a.AttributeName).sort()).toEqual([...keyNames].sort());
    expect(attributes.every((a) => a.AttributeType === 'S')).toBe(true);
  });

  it('projects into the ticket-list indexes only keys, id, owner and status, into the outbox index only keys', () => {
    const table = statefulResources[logicalId(stacks.stateful.table)]!;
    const byName = new Map(
      (table.Properties.GlobalSecondaryIndexes as Json[]).map((gsi) => [
        gsi.IndexName,
        gsi.Projection as Json,
      ]),
    );
    for (const index of [TABLE_INDEXES.tickets, TABLE_INDEXES.partnerVisible, TABLE_INDEXES.requester])
      expect(byName.get(index.name)).toEqual({
        ProjectionType: 'INCLUDE',
        NonKeyAttributes: ['id', 'owner', 'status'],
      });
    expect(byName.get(TABLE_INDEXES.open.name)).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: ['id'],
    });
    const all = [...byName.values()].filter((p) => p.ProjectionType === 'ALL');
    expect(all).toHaveLength(1); // the SLA clocks' due index
  });

  it('upgrades a deployed stage one GSI per deploy, always keeping an index for every list', () => {
    const names = (step: number) => new Set(indexesAtUpgradeStep(step).map((i) => i.name));
    expect([...names(0)]).toEqual(expect.arrayContaining(Object.values(RETIRED_INDEXES).map((i) => i.name)));
    for (let step = 1; step <= INDEX_UPGRADE_STEPS; step++) {
      const [was, is] = [names(step - 1), names(step)];
      const changes = [...was].filter((n) => !is.has(n)).length + [...is].filter((n) => !was.has(n)).length;
      expect(changes, `step ${step}`).toBe(1);
      for (const list of Object.keys(RETIRED_INDEXES) as (keyof typeof RETIRED_INDEXES)[])
        expect(is.has(TABLE_INDEXES[list].name) || is.has(RETIRED_INDEXES[list].name), `step ${step}`).toBe(
          true,
        );
    }
    expect([...names(INDEX_UPGRADE_STEPS)].sort()).toEqual(
      Object.values(TABLE_INDEXES)
        .map((i) => i.name)
        .sort(),
    );
    const midway = addPsaStacks(testApp({ stage: 'prod', indexUpgradeStep: '5' })).stateful;
    const gsis = Template.fromStack(midway).toJSON().Resources[logicalId(midway.table)].Properties
      .GlobalSecondaryIndexes as Json[];
    expect(gsis.map((g) => g.IndexName).sort()).toEqual([...names(5)].sort());
    expect(() => addPsaStacks(testApp({ stage: 'prod', indexUpgradeStep: '11' }))).toThrow(
      /indexUpgradeStep/,
    );
  });

  it('expires idempotency keys, mail dedupe marks and rate-limit buckets by their expiresAt (TTL)', () => {
    const table = statefulResources[logicalId(stacks.stateful.table)]!;
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('keeps the table safe: on-demand, PITR, encrypted, deletion-protected and retained', () => {
    const table = statefulResources[logicalId(stacks.stateful.table)]!;
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true });
    const replica = (table.Properties.Replicas as Json[])[0]!;
    expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(replica.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('blocks public access to the blob bucket, encrypts and versions it, and refuses plain HTTP', () => {
    const id = logicalId(stacks.stateful.bucket);
    const bucket = statefulResources[id]!;
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.BucketEncryption).toBeDefined();
    expect(bucket.Properties.LoggingConfiguration).toBeDefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('app', () => {
  it('passes every AwsSolutions cdk-nag check (or acknowledges it with a reason)', () => {
    const app = testApp();
    addPsaStacks(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('fails the synth on a cdk-nag finding nobody acknowledged', () => {
    const app = testApp();
    const { stateful: stack } = addPsaStacks(app);
    new Queue(stack, 'QueueWithoutDlqOrTls');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
  });

  it('rejects an invalid context value, naming the key', () => {
    expect(() =>
      addPsaStacks(testApp({ jwtIssuer: 'http://insecure.example.org', webClientId: 'w' })),
    ).toThrow(/jwtIssuer/);
    expect(() => addPsaStacks(testApp({ jwtIssuer: 'https://login.contoso.org/' }))).toThrow(/webClientId/);
    expect(() => addPsaStacks(testApp({ stage: 'Prod_1' }))).toThrow(/stage/);
    expect(() => addPsaStacks(testApp({ alarmEmail: 'not-an-address' }))).toThrow(/alarmEmail/);
  });

  it('receives for support@<emailDomain> unless emailRecipients says otherwise, and validates the list', () => {
    expect(addPsaStacks(testApp({ emailDomain: 'help.contoso.org' })).config.emailRecipients).toEqual([
      'support@help.contoso.org',
    ]);
    const list = (emailRecipients: unknown) =>
      addPsaStacks(testApp({ emailRecipients, stage: 'test' })).config.emailRecipients;
    expect(list('Support@support.example.com, it@support.example.com')).toEqual([
      'support@support.example.com',
      'it@support.example.com',
    ]);
    expect(list('["msp@support.example.com"]')).toEqual(['msp@support.example.com']);
    expect(list(['support.example.com'])).toEqual(['support.example.com']);
    expect(() => list('support@elsewhere.example.org')).toThrow(/emailRecipients/);
    expect(() => list('not an address')).toThrow(/emailRecipients/);
    expect(() => list([42])).toThrow(/emailRecipients/);
    expect(() => list('a@support.example.com,a@support.example.com')).toThrow(/emailRecipients/);
  });

  it('subscribes the alarm email when one is configured', () => {
    const { stateful: stack } = addPsaStacks(testApp({ alarmEmail: 'ops@example.org', stage: 'test' }));
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
    });
  });
});

describe('web app and sign-in', () => {
  const ofType = (resources: Record<string, Resource>, type: string) =>
    Object.entries(resources).filter(([, r]) => r.Type === type);
  const distribution = () => ofType(servicesResources, 'AWS::CloudFront::Distribution')[0]![1];
  const distributionConfig = () => distribution().Properties.DistributionConfig as Json;
  const userPoolId = () => logicalId(stacks.stateful.signInPool!.userPool);

  it('serves the web app from a private bucket through CloudFront with Origin Access Control', () => {
    expect(ofType(servicesResources, 'AWS::CloudFront::Distribution')).toHaveLength(1);
    const config = distributionConfig();
    expect(config.DefaultRootObject).toBe('index.html');
    const origins = config.Origins as Json[];
    const s3 = origins.find((o) => 'S3OriginConfig' in o)!;
    expect(s3.OriginAccessControlId).toBeDefined();
    expect(ofType(servicesResources, 'AWS::CloudFront::OriginAccessControl')).toHaveLength(1);
    const [bucketId, bucket] = ofType(servicesResources, 'AWS::S3::Bucket').find(([id]) =>
      JSON.stringify(s3.DomainName).includes(id),
    )!;
    expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicPolicy: true });
    // Only CloudFront (this distribution) may read it.
    const policy = ofType(servicesResources, 'AWS::S3::BucketPolicy').find(
      ([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
    )![1];
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('cloudfront.amazonaws.com');
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('AWS:SourceArn');
    // The build goes into it on every deploy, with the web app's sign-in settings.
    expect(ofType(servicesResources, 'Custom::CDKBucketDeployment')).toHaveLength(2);
  });

  it('sends /v1/*, /public/* and /openapi.json to the HTTP API uncached, and rewrites only client routes to index.html', () => {
    const config = distributionConfig();
    const behaviors = config.CacheBehaviors as Json[];
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(['/openapi.json', '/public/*', '/v1/*']);
    const apiOrigin = (config.Origins as Json[]).find((o) => 'CustomOriginConfig' in o)!;
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(logicalId(stacks.services.api));
    for (const b of behaviors) {
      expect(b.TargetOriginId).toBe(apiOrigin.Id);
      expect(b.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
      expect(b.AllowedMethods).toContain('POST');
      expect(b.FunctionAssociations).toBeUndefined();
    }
    const main = config.DefaultCacheBehavior as Json;
    expect(main.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(main.FunctionAssociations).toHaveLength(1);
    // No distribution-wide error pages: they would turn the API's JSON 404s into the app.
    expect(config.CustomErrorResponses).toBeUndefined();
  });

  it('puts a strict Content-Security-Policy and the security headers on every response', () => {
    const [policyId, policy] = ofType(servicesResources, 'AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const headers = (policy.Properties.ResponseHeadersPolicyConfig as Json).SecurityHeadersConfig as Record<
      string,
      Json
    >;
    const csp = JSON.stringify(headers.ContentSecurityPolicy!.ContentSecurityPolicy);
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "form-action 'self'",
      'upgrade-insecure-requests',
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    // The browser talks to Cognito for discovery and tokens, and to nothing else.
    expect(csp).toMatch(/connect-src 'self' https:\/\/cognito-idp\./);
    expect(headers.ContentTypeOptions).toMatchObject({ Override: true });
    expect(headers.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(headers.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'no-referrer' });
    expect(headers.StrictTransportSecurity).toMatchObject({ IncludeSubdomains: true });
    const config = distributionConfig();
    for (const behavior of [config.DefaultCacheBehavior as Json, ...(config.CacheBehaviors as Json[])]) {
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    }
  });

  it('creates a user pool with a tenant attribute, a group per role and the token trigger', () => {
    const pool = statefulResources[userPoolId()]!;
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties).toMatchObject({
      UserPoolTier: 'ESSENTIALS',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: expect.arrayContaining([
        expect.objectContaining({ Name: 'tenant', AttributeDataType: 'String', Mutable: true }),
      ]),
      LambdaConfig: {
        PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: expect.anything() },
      },
    });
    const groups = ofType(statefulResources, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties);
    expect(groups.map((g) => g.GroupName).sort()).toEqual(['internal', 'leadership', 'partner', 'requester']);
    for (const group of groups) expect(group.UserPoolId).toEqual({ Ref: userPoolId() });
    expect(ofType(statefulResources, 'AWS::Cognito::UserPoolDomain')).toHaveLength(1);
  });

  it('makes the web app a public client: code flow, no secret, callback on the distribution', () => {
    const clients = ofType(servicesResources, 'AWS::Cognito::UserPoolClient');
    expect(clients).toHaveLength(1);
    const [clientId, client] = clients[0]!;
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(['openid', 'email']),
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(client.Properties).not.toHaveProperty('AllowedOAuthFlows', expect.arrayContaining(['implicit']));
    const distributionId = logicalId(stacks.services.web.distribution);
    expect(JSON.stringify(client.Properties.CallbackURLs)).toContain(distributionId);
    expect(JSON.stringify(client.Properties.CallbackURLs)).toContain('/auth/callback');
    expect(resolveImports(client.Properties.UserPoolId)).toEqual({ Ref: userPoolId() });
    // The authorizer trusts this pool and this client (Cognito access tokens carry client_id).
    const jwt = authorizer().Properties.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    expect(jwt.Audience).toEqual([{ Ref: clientId }]);
    expect(JSON.stringify(resolveImports(jwt.Issuer))).toContain(userPoolId());
  });

  it('trusts an issuer of your own instead, with no user pool, when jwtIssuer is given', () => {
    const own = addPsaStacks(
      testApp({ jwtIssuer: 'https://login.contoso.org/', webClientId: 'psa-web', stage: 'own' }),
    );
    const statefulTemplate = Template.fromStack(own.stateful);
    const servicesTemplate = Template.fromStack(own.services);
    statefulTemplate.resourceCountIs('AWS::Cognito::UserPool', 0);
    servicesTemplate.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    servicesTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://login.contoso.org/', Audience: ['psa-api'] },
    });
    const policy = Object.values(servicesTemplate.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0];
    expect(JSON.stringify(policy)).toContain("connect-src 'self' https://login.contoso.org");
  });
});
