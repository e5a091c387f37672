import { testAuth } from '@psa/testing/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportingApp } from '../src/app.ts';
import { startReporting } from './support.ts';

/** Months a probe asked the reports for and got a 500: each is now a 400 naming `query.month`. */
const auth = await testAuth();

let r: Awaited<ReturnType<typeof startReporting>>;
let app: ReturnType<typeof createReportingApp>;
beforeAll(async () => {
  r = await startReporting('2026-11-20T17:00:00.000Z');
  app = createReportingApp({
    ...r.deps,
    authenticate: auth.authenticate,
  });
});
afterAll(() => r.stop());

describe('a month out of range', () => {
  const reports = ['routing-coverage', 'after-hours', 'relief'];
  const months = ['0000-01', '9999-12', '1969-12', '3000-01', '2026-13'];

  it.each(reports.flatMap((report) => months.map((month) => [report, month])))(
    'answers 400 at query.month on %s for %s',
    async (report, month) => {
      const bearer = await auth.sign({ role: 'leadership' });
      const res = await app.request(`/v1/tenants/acme/reports/${report}?month=${month}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { issues: unknown } }).error.issues).toEqual([
        { path: 'query.month', message: 'month must be YYYY-MM, from 1970-01 to 2999-12' },
      ]);
    },
  );

  it('still answers the first and last months of the range', async () => {
    const bearer = await auth.sign({ role: 'leadership' });
    for (const month of ['1970-01', '2999-12']) {
      const res = await app.request(`/v1/tenants/acme/reports/routing-coverage?month=${month}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(res.status, month).toBe(200);
    }
  });
});
