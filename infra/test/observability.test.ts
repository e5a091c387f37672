import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dimensionCombinations, METRICS, METRICS_NAMESPACE, type MetricSpec } from '@psa/contracts/metrics';
import { FUNCTIONS, type FunctionSpec, SCHEDULES, SUBSCRIPTIONS } from '@psa/contracts/wiring';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Observability } from '../src/observability.ts';
import { addPsaStacks, REPO_ROOT } from '../src/psa-app.ts';
import { PsaFunction } from '../src/psa-function.ts';
import { RUNBOOKS } from '../src/runbooks.ts';
import { QUEUES } from '../src/stateful-stack.ts';
import { THRESHOLDS } from '../src/thresholds.ts';
import {
  CDK_JSON_CONTEXT,
  type Resource,
  type SynthesizedStage,
  synthStage,
  testApp,
} from './support/app.ts';

type Json = Record<string, unknown>;

let prod: SynthesizedStage;
let alarms: Array<[string, Resource]>;
beforeAll(() => {
  prod = synthStage('prod');
  alarms = prod.resources('AWS::CloudWatch::Alarm');
});

const alarmNamed = (name: string): Json => {
  const found = alarms.find(([, a]) => a.Properties.AlarmName === `psa-prod-${name}`);
  if (!found) throw new Error(`no alarm psa-prod-${name}`);
  return found[1].Properties;
};
const logicalIdOf = (fn: PsaFunction) => Stack.of(fn).getLogicalId(fn.function.node.defaultChild as never);
const psaFunction = (id: string) =>
  [...prod.stacks.services.services.values()].map((s) => s.functions.get(id as never)).find(Boolean)!;
const RUNBOOK_BASE = CDK_JSON_CONTEXT.runbookBaseUrl as string;
const ASYNC_FUNCTIONS = new Set([
  ...[...SUBSCRIPTIONS, ...SCHEDULES].map((s) => s.functionId),
  'IntakeEmail',
]);

describe('alarms', () => {
  it('alarms on errors and throttles of every function of the wiring', () => {
    for (const spec of FUNCTIONS) {
      const dimensions = [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(psaFunction(spec.id)) } }];
      expect(alarmNamed(`${spec.id}Errors`), spec.id).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Dimensions: dimensions,
        Threshold: THRESHOLDS.functionErrors,
        Period: 300,
      });
      expect(alarmNamed(`${spec.id}Throttles`), spec.id).toMatchObject({
        MetricName: 'Throttles',
        Dimensions: dimensions,
        Threshold: 1,
      });
    }
  });

  it('alarms on the API’s 5xx share (with enough requests) and its p99 latency', () => {
    const api = {
      Name: 'ApiId',
      Value: {
        Ref: Stack.of(prod.stacks.services).getLogicalId(prod.stacks.services.api.node.defaultChild as never),
      },
    };
    const rate = alarmNamed('Api5xxRate');
    expect(rate).toMatchObject({ Threshold: 5, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    const metrics = rate.Metrics as Json[];
    expect(metrics[0]).toMatchObject({
      Expression: 'IF(requests >= 10, 100 * errors / requests, 0)',
      ReturnData: true,
    });
    expect(metrics.slice(1)).toEqual([
      expect.objectContaining({
        Id: 'requests',
        MetricStat: expect.objectContaining({
          Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: [api] },
        }),
      }),
      expect.objectContaining({
        Id: 'errors',
        MetricStat: expect.objectContaining({
          Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: [api] },
        }),
      }),
    ]);
    expect(alarmNamed('ApiP99Latency')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Dimensions: [api],
      Threshold: THRESHOLDS.apiP99LatencyMs,
      EvaluationPeriods: 3,
    });
  });

  it('alarms when a routed queue’s oldest ticket waits half an hour: its dispatcher stopped consuming', () => {
    for (const name of QUEUES) {
      const id = `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
      expect(alarmNamed(`${id}NotConsumed`), name).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Statistic: 'Maximum',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: {
              'Fn::GetAtt': [
                Stack.of(prod.stacks.stateful).getLogicalId(
                  prod.stacks.stateful.queues[name].node.defaultChild as never,
                ),
                'QueueName',
              ],
            },
          },
        ],
        Threshold: 1800,
        EvaluationPeriods: 2,
      });
    }
  });

  it('alarms on the custom metrics: the SLA sweep behind its watermark and an outbox that does not drain', () => {
    expect(alarmNamed('SlaSweepBehind')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: METRICS.slaSweepLag.name,
      Dimensions: [{ Name: 'service', Value: 'sla' }],
      Statistic: 'Maximum',
      Threshold: THRESHOLDS.slaSweepLagSeconds,
      EvaluationPeriods: 2,
    });
    expect(alarmNamed('OutboxBacklog')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: METRICS.outboxBacklog.name,
      Dimensions: [{ Name: 'service', Value: 'outbox' }],
      Statistic: 'Minimum',
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });

  it('treats a sweep that reports nothing as behind (it reports its lag on every run), and a quiet outbox as fine', () => {
    expect(alarmNamed('SlaSweepBehind')).toMatchObject({ TreatMissingData: 'breaching' });
    expect(alarmNamed('OutboxBacklog')).toMatchObject({ TreatMissingData: 'notBreaching' });
  });

  it('alarms on the account’s SES bounce and complaint rates before SES reviews the account', () => {
    expect(alarmNamed('SesBounceRate')).toMatchObject({
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Threshold: 0.025,
      TreatMissingData: 'notBreaching',
    });
    expect(alarmNamed('SesComplaintRate')).toMatchObject({
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.0005,
    });
  });

  it('keeps the dead-letter and failure queue alarms, with their runbooks', () => {
    for (const name of ['PartnerDeadLetter', 'InternalDeadLetter', 'TriageDeadLetter'])
      expect(alarmNamed(name).AlarmDescription).toMatch(/dead-letter-queue\.md$/);
    for (const id of ASYNC_FUNCTIONS)
      expect(alarmNamed(`${id}Failure`).AlarmDescription, id).toMatch(/failure-queue\.md$/);
  });

  it('has exactly these alarms: per function, per queue and the system-wide ones', () => {
    const expected = FUNCTIONS.length * 2 + ASYNC_FUNCTIONS.size + QUEUES.length * 2 + 6;
    expect(alarms).toHaveLength(expected);
    const names = alarms.map(([, a]) => a.Properties.AlarmName);
    expect(new Set(names).size).toBe(names.length);
  });

  it('notifies the alarm topic from every alarm, and links each alarm’s runbook, which exists', () => {
    const topic = {
      Ref: Stack.of(prod.stacks.stateful).getLogicalId(
        prod.stacks.stateful.alarmTopic.node.defaultChild as never,
      ),
    };
    const used = new Set<string>();
    for (const [key, alarm] of alarms) {
      const actions = alarm.Properties.AlarmActions as unknown[];
      if (key.startsWith('Psa-prod-Stateful/')) expect(actions, key).toEqual([topic]);
      else expect(JSON.stringify(actions), key).toMatch(/ExportsOutputRefAlarmTopic/);
      const match = new RegExp(`Runbook: ${RUNBOOK_BASE}/([a-z0-9-]+)\\.md$`).exec(
        String(alarm.Properties.AlarmDescription),
      );
      expect(match, key).not.toBeNull();
      used.add(match![1]!);
    }
    expect([...used].sort()).toEqual([...RUNBOOKS].sort());
  });

  it('links its runbooks under the context’s runbookBaseUrl', () => {
    const other = synthStage('prod', {
      runbookBaseUrl: 'https://git.example.org/psa/-/blob/main/docs/runbooks/',
    });
    for (const [, alarm] of other.resources('AWS::CloudWatch::Alarm'))
      expect(alarm.Properties.AlarmDescription).toMatch(
        /Runbook: https:\/\/git\.example\.org\/psa\/-\/blob\/main\/docs\/runbooks\/[a-z0-9-]+\.md$/,
      );
  });
});

describe('runbooks', () => {
  const dir = join(REPO_ROOT, 'docs/runbooks');
  it.each(RUNBOOKS)('%s.md says what it means, what to look at and what to do', (name) => {
    const page = readFileSync(join(dir, `${name}.md`), 'utf8');
    expect(page).toMatch(/^# /);
    for (const section of ['## What it means', '## What to look at', '## What to do'])
      expect(page).toContain(section);
    // Links to other pages go to pages that exist.
    for (const [, target] of page.matchAll(/\]\(([a-z0-9-]+\.md)\)/g))
      expect(existsSync(join(dir, target!)), target).toBe(true);
  });

  it('are indexed, every one', () => {
    const index = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const name of RUNBOOKS) expect(index).toContain(`](${name}.md)`);
  });
});

describe('the dashboard', () => {
  let body: string;
  beforeAll(() => {
    const [dashboard, ...others] = prod.resources('AWS::CloudWatch::Dashboard');
    expect(others).toEqual([]);
    expect(dashboard![1].Properties.DashboardName).toBe('psa-prod');
    // The body is a Fn::Join of text and references: its JSON text holds both.
    body = JSON.stringify(dashboard![1].Properties.DashboardBody);
  });

  it('has the sections an on-call person reads top to bottom', () => {
    const at = [
      'Alarms',
      '## Traffic',
      '## Routing mix',
      '## SLA',
      '## Errors',
      '## Queues',
      '## Latency',
    ].map((s) => body.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('draws every function of the wiring, in invocations, errors, throttles and duration', () => {
    for (const spec of FUNCTIONS) {
      const ref = JSON.stringify({ Ref: logicalIdOf(psaFunction(spec.id)) });
      expect(body.split(ref).length - 1, spec.id).toBeGreaterThanOrEqual(4);
      expect(body, spec.id).toContain(`\\"label\\":\\"${spec.id}\\"`);
    }
  });

  it('draws every custom metric, for every value of its dimensions and every service that emits it', () => {
    for (const spec of Object.values(METRICS) as MetricSpec[]) {
      expect(body, spec.name).toContain(`\\"${METRICS_NAMESPACE}\\",\\"${spec.name}\\"`);
      for (const combination of dimensionCombinations(spec)) {
        // CDK writes a metric's dimensions sorted by name.
        const dims = Object.entries(combination)
          .sort(([a], [b]) => a.localeCompare(b))
          .flat()
          .map((x) => `\\"${x}\\"`)
          .join(',');
        expect(body, `${spec.name} ${dims}`).toContain(dims);
      }
    }
  });

  it('shows every alarm’s state, the stateful stack’s by name', () => {
    for (const [, alarm] of alarms) {
      const name = String(alarm.Properties.AlarmName);
      if (name.endsWith('DeadLetter') || name.endsWith('NotConsumed'))
        expect(body).toContain(`:alarm:${name}`);
    }
    expect(body.match(/Fn::GetAtt/g)?.length).toBeGreaterThanOrEqual(alarms.length - QUEUES.length * 2);
  });

  it('puts a function added to the list on the dashboard and under alarms, with nothing else to change', () => {
    // A fresh app (the shared one is synthesized already), the extra construct in a stack of its
    // own (alarm names are unique per stack).
    const app = testApp({ stage: 'prod' });
    const fresh = addPsaStacks(app);
    const extraStack = new Stack(app, 'Extra');
    const spec: FunctionSpec = {
      ...FUNCTIONS[0],
      id: 'NewHandler',
      description: 'a new function',
      access: { table: 'read' },
    };
    const extra = new PsaFunction(extraStack, 'NewHandlerForTest', {
      spec,
      resources: {
        table: fresh.stateful.table,
        bus: fresh.stateful.bus,
        queues: fresh.stateful.queues,
        bucket: fresh.stateful.bucket,
      },
      config: fresh.config,
      auth: { issuer: 'https://login.psa.test/', audience: 'psa-api' },
      repoRoot: REPO_ROOT,
      invokedAsync: false,
    });
    const observability = new Observability(extraStack, 'ObservabilityForTest', {
      functions: [extra],
      api: fresh.services.api,
      queues: fresh.stateful.queues,
      deadLetterQueues: fresh.stateful.deadLetterQueues,
      topic: fresh.stateful.alarmTopic,
    });
    const template = Template.fromStack(extraStack).toJSON().Resources as Record<string, Resource>;
    const dashboard =
      template[extraStack.getLogicalId(observability.dashboard.dashboard.node.defaultChild as never)]!;
    expect(JSON.stringify(dashboard.Properties.DashboardBody)).toContain(
      JSON.stringify({ Ref: logicalIdOf(extra) }),
    );
    expect(observability.alarms.map((a) => a.node.id)).toEqual(
      expect.arrayContaining(['NewHandlerErrors', 'NewHandlerThrottles']),
    );
  });
});
