import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DIMENSION_VALUES,
  dimensionCombinations,
  METRICS,
  METRICS_NAMESPACE,
  type MetricKey,
} from '@psa/contracts/metrics';
import {
  type BusEvent,
  SlaBreached,
  SlaMet,
  SlaWarning,
  TicketReassigned,
  TicketReceived,
  TicketRouted,
} from '@psa/model/events';
import { describe, expect, it } from 'vitest';
import {
  countingBus,
  isDeclared,
  type MetricPoint,
  metricPoint,
  metricsOfEvent,
  powertoolsRecorder,
  timeReports,
} from '../src/metrics.ts';
import { stdoutLines } from './support.ts';

const event = (
  contract: { source: string; detailType: string },
  detail: Record<string, unknown>,
): BusEvent => ({
  source: contract.source,
  detailType: contract.detailType,
  detail,
});

const recording = () => {
  const points: MetricPoint[] = [];
  return { points, record: (p: MetricPoint) => void points.push(p) };
};

describe('metricsOfEvent', () => {
  it.each([
    [
      'TicketReceived',
      event(TicketReceived, { channel: 'email' }),
      'ticketsReceived',
      { channel: 'email' },
      'intake',
    ],
    [
      'TicketRouted',
      event(TicketRouted, { owner: 'triage', routing: { rule: 'triage' } }),
      'ticketsRouted',
      { owner: 'triage', rule: 'triage' },
      'router',
    ],
    [
      'TicketReassigned',
      event(TicketReassigned, { to: 'internal' }),
      'handoffs',
      { to: 'internal' },
      'intake',
    ],
    ['SlaWarning', event(SlaWarning, { owner: 'internal' }), 'slaWarnings', { side: 'internal' }, 'sla'],
    ['SlaBreached', event(SlaBreached, { owner: 'triage' }), 'slaBreaches', { side: 'partner' }, 'sla'],
  ] as const)(
    'counts %s under its metric, dimensions and publishing service',
    (_name, e, metric, dimensions, service) => {
      const [point] = metricsOfEvent(e);
      expect(point).toEqual({ metric, dimensions, value: 1, service });
      expect(isDeclared(point!)).toBe(true);
    },
  );

  it('counts nothing for an event no metric is about', () => {
    expect(metricsOfEvent(event(SlaMet, { owner: 'partner' }))).toEqual([]);
  });
});

describe('countingBus', () => {
  it('counts what was published, once it was', async () => {
    const metrics = recording();
    const bus = countingBus({ publish: async () => undefined }, metrics);
    await bus.publish([event(TicketReceived, { channel: 'web' }), event(SlaMet, {})]);
    expect(metrics.points.map((p) => p.metric)).toEqual(['ticketsReceived']);
  });

  it('counts a failed delivery per event left behind: single-event calls only, as the outbox retries a batch one by one', async () => {
    const metrics = recording();
    const bus = countingBus(
      {
        publish: async () => {
          throw new Error('bus down');
        },
      },
      metrics,
    );
    const two = [event(TicketReceived, { channel: 'web' }), event(TicketReceived, { channel: 'email' })];
    await expect(bus.publish(two)).rejects.toThrow('bus down');
    expect(metrics.points).toEqual([]);
    await expect(bus.publish([two[0]!])).rejects.toThrow('bus down');
    expect(metrics.points).toEqual([{ metric: 'busDeliveryFailures', dimensions: {}, value: 1 }]);
  });
});

/** One point of each metric with the first declared value of each of its dimensions. */
const samplePoint = (key: MetricKey): MetricPoint => ({
  metric: key,
  dimensions: Object.fromEntries(METRICS[key].dimensions.map((d) => [d, DIMENSION_VALUES[d][0]])),
  value: 2,
});

describe('powertoolsRecorder', () => {
  it.each(Object.keys(METRICS) as MetricKey[])(
    'emits %s as the CDK app reads it: namespace, name, unit, service and its dimensions',
    async (key) => {
      const spec = METRICS[key];
      const service = spec.services[0]!;
      const [emf] = await stdoutLines(() =>
        powertoolsRecorder(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service })).record(
          samplePoint(key),
        ),
      );
      const directive = (emf!._aws as { CloudWatchMetrics: Record<string, unknown>[] }).CloudWatchMetrics[0];
      expect(directive).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        Metrics: [{ Name: spec.name, Unit: spec.unit }],
      });
      // The dimension set of a metric CloudWatch holds for it (what the dashboard and alarms name).
      const [combination] = dimensionCombinations(spec);
      expect([...(directive!.Dimensions as string[][])[0]!].sort()).toEqual(Object.keys(combination!).sort());
      expect(emf).toMatchObject({ ...combination, ...samplePoint(key).dimensions, [spec.name]: 2 });
    },
  );

  it('emits an event’s metric under the publishing service, whoever delivered it', async () => {
    const lines = await stdoutLines(() =>
      powertoolsRecorder(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'outbox' })).record(
        metricPoint('ticketsReceived', { channel: 'email' }, 1, 'intake'),
      ),
    );
    const [emf] = lines;
    expect(emf).toMatchObject({ service: 'intake', channel: 'email', TicketsReceived: 1 });
    expect(lines).toHaveLength(1); // and no warning about the replaced service dimension
  });

  it('drops a point whose dimensions are not declared, and says so', async () => {
    const dropped: MetricPoint[] = [];
    const stray: MetricPoint = {
      metric: 'ticketsRouted',
      dimensions: { owner: 'nobody', rule: 'guardrail' },
      value: 1,
    };
    const lines = await stdoutLines(() =>
      powertoolsRecorder(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'router' }), (p) =>
        dropped.push(p),
      ).record(stray),
    );
    expect(lines).toEqual([]);
    expect(dropped).toEqual([stray]);
  });
});

describe('timeReports', () => {
  it('times each report read by report, and nothing else', async () => {
    const metrics = recording();
    const app = timeReports(
      { fetch: (req: Request) => new Response(null, { status: req.url.includes('missing') ? 404 : 200 }) },
      metrics,
    );
    await app.fetch(new Request('http://api/v1/tenants/acme/reports/relief?month=2026-11'));
    await app.fetch(new Request('http://api/v1/tenants/acme/reports/missing'));
    await app.fetch(new Request('http://api/v1/tenants/acme/tickets'));
    expect(metrics.points.map((p) => [p.metric, p.dimensions])).toEqual([
      ['reportLatency', { report: 'relief' }],
    ]);
    expect(metrics.points[0]!.value).toBeGreaterThanOrEqual(0);
  });
});
