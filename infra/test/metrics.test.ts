import { reportingRoutes } from '@psa/contracts/http/reporting-routes';
import { DIMENSION_VALUES, dimensionCombinations, METRICS, type MetricSpec } from '@psa/contracts/metrics';
import { FUNCTIONS, type FunctionSpec } from '@psa/contracts/wiring';
import { describe, expect, it } from 'vitest';

/** The custom metrics' declarations (packages/contracts/src/metrics.ts), which code and dashboard share. */
describe('the metric declarations', () => {
  it('name every report the API serves', () => {
    const reports = Object.values(reportingRoutes).map((r) => r.path.split('/reports/')[1]!.split('/')[0]);
    expect([...DIMENSION_VALUES.report].sort()).toEqual([...reports].sort());
  });

  it('keep the custom metrics few: every dimension combination is a metric billed monthly', () => {
    const total = (Object.values(METRICS) as MetricSpec[]).reduce(
      (n, spec) => n + dimensionCombinations(spec).length,
      0,
    );
    // 3 channels + 3×6 owners×rules + 2 handoff sides + 2×2 SLA sides + 5 publishers + 7 reports
    // + sweep lag, quarantined mail, outbox backlog and oldest age.
    expect(total).toBe(43);
  });

  it('emit bus delivery failures from every service that publishes, as the wiring says', () => {
    const publishers = new Set(
      (FUNCTIONS as readonly FunctionSpec[]).filter((f) => f.access.bus).map((f) => f.service),
    );
    expect(new Set(METRICS.busDeliveryFailures.services)).toEqual(publishers);
  });
});
