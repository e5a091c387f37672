import type { Logger } from '@aws-lambda-powertools/logger';
import { reportingRoutes as routes } from '@psa/contracts/http/reporting-routes';
import type { Authenticator } from '@psa/http/auth';
import { createApiApp } from '@psa/http/http';
import type { LoadOptions } from '@psa/routing/replay-load';
import { exportCsv, getMonthTables, getTrends } from './domain/dashboard.ts';
import { getBacklog, getMonthly, getRelief, type ReportDeps } from './domain/read-reports.ts';
import { routingCoverage } from './domain/routing-coverage.ts';

export type ReportingApiDeps = ReportDeps & {
  logger: Logger;
  authenticate: Authenticator;
  /** How much the routing-coverage report may read (defaults: 90 days back, 50,000 tickets). */
  replay?: LoadOptions;
};

/** Leadership reports: the same app runs behind API Gateway and in the local server. */
export function createReportingApp(deps: ReportingApiDeps) {
  const app = createApiApp({ authenticate: deps.authenticate, logger: deps.logger });
  app.openapi(routes.backlogReport, async (c) => {
    const { tenantId } = c.req.valid('param');
    return c.json(await getBacklog({ tenantId, principal: c.get('principal') }, deps), 200);
  });
  app.openapi(routes.afterHoursReport, async (c) => {
    const { tenantId } = c.req.valid('param');
    const { month } = c.req.valid('query');
    return c.json(
      await getMonthly(
        'after-hours',
        { tenantId, principal: c.get('principal'), ...(month ? { month } : {}) },
        deps,
      ),
      200,
    );
  });
  app.openapi(routes.reliefReport, async (c) => {
    const { tenantId } = c.req.valid('param');
    const { month } = c.req.valid('query');
    return c.json(
      await getRelief({ tenantId, principal: c.get('principal'), ...(month ? { month } : {}) }, deps),
      200,
    );
  });
  app.openapi(routes.trendsReport, async (c) => {
    const { tenantId } = c.req.valid('param');
    const { month, months } = c.req.valid('query');
    const principal = c.get('principal');
    return c.json(
      await getTrends(
        { tenantId, principal, ...(month ? { month } : {}), ...(months ? { months } : {}) },
        deps,
      ),
      200,
    );
  });
  app.openapi(routes.reportTables, async (c) => {
    const { tenantId } = c.req.valid('param');
    const { month } = c.req.valid('query');
    return c.json(
      await getMonthTables({ tenantId, principal: c.get('principal'), ...(month ? { month } : {}) }, deps),
      200,
    );
  });
  app.openapi(routes.reportExport, async (c) => {
    const { tenantId, table } = c.req.valid('param');
    const { month } = c.req.valid('query');
    const out = await exportCsv(
      { tenantId, table, principal: c.get('principal'), ...(month ? { month } : {}) },
      deps,
    );
    return c.body(out.csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${out.filename}"`,
      'cache-control': 'no-store',
    }) as never;
  });
  app.openapi(routes.routingCoverageReport, async (c) => {
    const { tenantId } = c.req.valid('param');
    const { month } = c.req.valid('query');
    return c.json(
      await routingCoverage(
        { tenantId, principal: c.get('principal'), ...(month ? { month } : {}) },
        deps,
        deps.replay,
      ),
      200,
    );
  });
  return app;
}
