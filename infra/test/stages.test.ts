import { FUNCTIONS, HTTP_ROUTES } from '@psa/contracts/wiring';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { addPsaStacks } from '../src/psa-app.ts';
import {
  applyStageContext,
  DEFAULT_STAGE_SETTINGS,
  parseStageSettings,
  stageContext,
} from '../src/stages.ts';
import { type Resource, type SynthesizedStage, synthStage, testApp } from './support/app.ts';

/**
 * Stages differ only by context (cdk.json `stages`): dev may be destroyed, prod keeps its data.
 * Each assertion below is made on the synthesized templates of both.
 */
let dev: SynthesizedStage;
let prod: SynthesizedStage;
beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
});

const one = (stage: SynthesizedStage, type: string): Resource => {
  const found = stage.resources(type);
  expect(found, type).toHaveLength(1);
  return found[0]![1];
};
const tableReplica = (stage: SynthesizedStage) =>
  (one(stage, 'AWS::DynamoDB::GlobalTable').Properties.Replicas as Array<Record<string, unknown>>)[0]!;
const blobBucket = (stage: SynthesizedStage) =>
  stage.resources('AWS::S3::Bucket').find(([, b]) => b.Properties.LoggingConfiguration)![1];
const accessLogBucket = (stage: SynthesizedStage) =>
  stage.resources('AWS::S3::Bucket').find(([, b]) => !b.Properties.LoggingConfiguration)![1];
const functionLogGroups = (stage: SynthesizedStage) => {
  const ids = new Set(
    stage
      .resources('AWS::Lambda::Function')
      .map(
        ([, fn]) =>
          (fn.Properties.LoggingConfig as { LogGroup?: { Ref: string } } | undefined)?.LogGroup?.Ref,
      )
      .filter((id): id is string => typeof id === 'string'),
  );
  return stage.resources('AWS::Logs::LogGroup').filter(([key]) => ids.has(key.split('/')[1]!));
};
const accessLogGroup = (stage: SynthesizedStage) => {
  const apiStage = one(stage, 'AWS::ApiGatewayV2::Stage');
  const id = (apiStage.Properties.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string] } })
    .DestinationArn['Fn::GetAtt'][0];
  return stage.resources('AWS::Logs::LogGroup').find(([key]) => key.endsWith(`/${id}`))![1];
};
/** The wiring's functions (not CDK's own custom-resource handlers, such as the web deployment's). */
const psaFunctions = (stage: SynthesizedStage) =>
  stage
    .resources('AWS::Lambda::Function')
    .filter(
      ([key]) =>
        key.startsWith(`${stage.stacks.services.stackName}/`) &&
        FUNCTIONS.some((fn) => key.includes(`${fn.id}Function`)),
    );

describe('the table', () => {
  it('prod: point-in-time recovery, deletion protection, retained', () => {
    expect(tableReplica(prod)).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(one(prod, 'AWS::DynamoDB::GlobalTable').DeletionPolicy).toBe('Retain');
  });

  it('dev: neither, and deleted with the stack', () => {
    expect(tableReplica(dev)).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      DeletionProtectionEnabled: false,
    });
    expect(one(dev, 'AWS::DynamoDB::GlobalTable').DeletionPolicy).toBe('Delete');
  });
});

describe('the blob bucket (stored mail and attachments)', () => {
  it('prod: versioned and retained; raw mail moves to Glacier IR after 30 days and is never deleted', () => {
    const bucket = blobBucket(prod);
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.LifecycleConfiguration).toEqual({
      Rules: [
        {
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          NoncurrentVersionExpiration: { NoncurrentDays: 90 },
          Status: 'Enabled',
        },
        {
          Prefix: 'inbound/',
          Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
          Status: 'Enabled',
        },
      ],
    });
    expect(prod.resources('Custom::S3AutoDeleteObjects')).toEqual([]);
    expect(accessLogBucket(prod).DeletionPolicy).toBe('Retain');
  });

  it('dev: unversioned, raw mail deleted after 30 days, and both buckets emptied and deleted with the stack', () => {
    const bucket = blobBucket(dev);
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
    expect(bucket.DeletionPolicy).toBe('Delete');
    expect(bucket.Properties.LifecycleConfiguration).toEqual({
      Rules: [
        { AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
        { Prefix: 'inbound/', ExpirationInDays: 30, Status: 'Enabled' },
      ],
    });
    expect(accessLogBucket(dev).DeletionPolicy).toBe('Delete');
    expect(dev.resources('Custom::S3AutoDeleteObjects')).toHaveLength(2);
  });
});

describe('logs, traces and metrics', () => {
  it('keeps every function log group and the API access log as long as the stage says', () => {
    for (const [stage, days, accessDays, policy] of [
      [prod, 90, 365, 'Retain'],
      [dev, 7, 7, 'Delete'],
    ] as const) {
      const groups = functionLogGroups(stage);
      expect(groups).toHaveLength(psaFunctions(stage).length);
      for (const [key, group] of groups) {
        expect(group.Properties.RetentionInDays, key).toBe(days);
        expect(group.DeletionPolicy, key).toBe(policy);
      }
      expect(accessLogGroup(stage).Properties.RetentionInDays).toBe(accessDays);
      expect(accessLogGroup(stage).DeletionPolicy).toBe(policy);
    }
  });

  it('gives every function JSON logs at the stage level, active X-Ray and the Powertools settings', () => {
    for (const [stage, level, sampleRate, captureResponse] of [
      [prod, 'INFO', '0.01', 'false'],
      [dev, 'DEBUG', '0', 'true'],
    ] as const) {
      const functions = psaFunctions(stage);
      expect(functions.length).toBeGreaterThan(0);
      for (const [key, fn] of functions) {
        expect(fn.Properties.TracingConfig, key).toEqual({ Mode: 'Active' });
        expect(fn.Properties.LoggingConfig, key).toMatchObject({
          LogFormat: 'JSON',
          ApplicationLogLevel: level,
          SystemLogLevel: 'INFO',
        });
        expect(
          (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
          key,
        ).toMatchObject({
          POWERTOOLS_SERVICE_NAME: expect.any(String),
          POWERTOOLS_METRICS_NAMESPACE: 'Psa',
          POWERTOOLS_LOG_LEVEL: level,
          POWERTOOLS_LOGGER_SAMPLE_RATE: sampleRate,
          POWERTOOLS_LOGGER_LOG_EVENT: 'false',
          POWERTOOLS_TRACE_ENABLED: 'true',
          POWERTOOLS_TRACER_CAPTURE_RESPONSE: captureResponse,
        });
      }
    }
  });

  it('archives events for the stage’s days and protects only the retained stage from deletion', () => {
    expect(one(prod, 'AWS::Events::Archive').Properties.RetentionDays).toBe(365);
    expect(one(dev, 'AWS::Events::Archive').Properties.RetentionDays).toBe(7);
    expect(prod.stacks.stateful.terminationProtection).toBe(true);
    expect(dev.stacks.stateful.terminationProtection).toBe(false);
  });

  it('puts the custom metrics in the stage’s namespace when it sets one', () => {
    const custom = synthStage('dev', { metricsNamespace: 'Psa/dev' });
    for (const [, fn] of psaFunctions(custom)) {
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: 'Psa/dev',
      });
    }
    const sweep = custom.resources('AWS::CloudWatch::Alarm').find(([key]) => key.includes('SlaSweepBehind'))!;
    expect(sweep[1].Properties.Namespace).toBe('Psa/dev');
  });
});

describe('the web app’s URL in mail links', () => {
  it('is given (as its origin) to the functions whose mail links to the web app, and only those, when the stage names it', () => {
    const withUrl = synthStage('dev', { webUrl: 'https://help.acme.example/' });
    // API functions that mail (rating links) and the event functions that declare web links.
    const servesHttp = new Set(HTTP_ROUTES.map((r) => r.functionId as string));
    const mailers = new Set(
      FUNCTIONS.filter((f) => {
        const access = f.access as { mail?: boolean; webLinks?: boolean };
        return access.mail && (servesHttp.has(f.id) || access.webLinks);
      }).map((f) => f.id),
    );
    expect([...mailers].sort()).toEqual(['IntakeApi', 'IntakeReprocessApi', 'MonthlyDigest', 'PulseSurvey']);
    const fns = psaFunctions(withUrl);
    expect(fns.length).toBe(FUNCTIONS.length);
    for (const [key, fn] of fns) {
      const vars = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const id = FUNCTIONS.find((f) => key.includes(`${f.id}Function`))!.id;
      expect(vars.WEB_URL, key).toBe(mailers.has(id) ? 'https://help.acme.example' : undefined);
    }
    for (const [key, fn] of psaFunctions(dev)) {
      expect(
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.WEB_URL,
        key,
      ).toBeUndefined();
    }
  });
});

describe('cdk-nag', () => {
  it.each(['dev', 'prod'])('passes every AwsSolutions check for %s', (stage) => {
    const app = testApp({ stage });
    addPsaStacks(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});

describe('stage context', () => {
  const context = {
    stage: 'prod',
    stages: { prod: { emailDomain: 'help.example.org', logRetentionDays: 90 }, dev: { logRetentionDays: 7 } },
  };

  it('takes the stage’s values, and a value given on the command line over them', () => {
    expect(stageContext(context)).toEqual({
      stage: 'prod',
      emailDomain: 'help.example.org',
      logRetentionDays: 90,
    });
    expect(stageContext({ ...context, stage: 'dev' })).toEqual({ stage: 'dev', logRetentionDays: 7 });
    expect(stageContext({ ...context, logRetentionDays: '14' })).toMatchObject({ logRetentionDays: '14' });

    // What the app does with it before reading any context.
    const app = new App({ context: { ...context, logRetentionDays: '14' } });
    applyStageContext(app);
    expect(app.node.tryGetContext('emailDomain')).toBe('help.example.org');
    expect(app.node.tryGetContext('logRetentionDays')).toBe('14');
  });

  it('gives a stage cdk.json does not list the safe defaults: data kept', () => {
    expect(stageContext({ ...context, stage: 'pr-42' })).toEqual({ stage: 'pr-42' });
    expect(parseStageSettings({ runbookBaseUrl: 'https://example.org/runbooks/' })).toEqual({
      ...DEFAULT_STAGE_SETTINGS,
      runbookBaseUrl: 'https://example.org/runbooks',
    });
    expect(DEFAULT_STAGE_SETTINGS).toMatchObject({
      removalPolicy: 'retain',
      pointInTimeRecovery: true,
      deletionProtection: true,
      blobVersioning: true,
      mailExpirationDays: null,
    });
  });

  it('reads command-line strings and rejects invalid values, naming the key', () => {
    const base = { runbookBaseUrl: 'https://example.org/runbooks' };
    expect(
      parseStageSettings({
        ...base,
        pointInTimeRecovery: 'false',
        logRetentionDays: '14',
        mailExpirationDays: 'null',
      }),
    ).toMatchObject({ pointInTimeRecovery: false, logRetentionDays: 14, mailExpirationDays: null });
    const invalid: Array<[string, unknown]> = [
      ['removalPolicy', 'snapshot'],
      ['pointInTimeRecovery', 'yes'],
      ['logRetentionDays', 10],
      ['accessLogRetentionDays', -1],
      ['eventArchiveDays', 1.5],
      ['logLevel', 'TRACE'],
      ['debugSampleRate', 2],
      ['metricsNamespace', 'has spaces'],
      ['runbookBaseUrl', 'http://insecure.example.org'],
      ['mailExpirationDays', 30],
    ];
    for (const [key, value] of invalid) {
      expect(() => parseStageSettings({ ...base, [key]: value }), key).toThrow(`invalid context: ${key}`);
    }
  });
});
