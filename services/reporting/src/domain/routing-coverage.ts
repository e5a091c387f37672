import { assertRole, assertTenant, type Principal, type Role } from '@psa/http/auth';
import { type CoverageDeps, type CoverageReport, coverageOfMonth } from '@psa/routing/coverage';
import type { LoadOptions } from '@psa/routing/replay-load';

/** Like the other leadership reports: leadership and internal IT. */
export const COVERAGE_READERS: readonly Role[] = ['internal', 'leadership'];

/**
 * `GET reports/routing-coverage?month=`: how much of a month's work the division of work
 * recognised, which workloads and rules carried it, and what the current version would route
 * differently (see {@link coverageOfMonth}). The month defaults to the current one in the
 * tenant's zone.
 */
export async function routingCoverage(
  cmd: { tenantId: string; principal: Principal; month?: string; maxItems?: number },
  deps: CoverageDeps,
  opts: LoadOptions = {},
): Promise<CoverageReport> {
  assertTenant(cmd.principal, cmd.tenantId);
  assertRole(cmd.principal, COVERAGE_READERS, 'read reports');
  const { principal: _principal, ...coverage } = cmd;
  return coverageOfMonth(coverage, deps, { monthPath: 'query.month', ...opts });
}
