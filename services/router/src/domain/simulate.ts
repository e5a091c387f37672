import { assertRole, assertTenant, type Principal, type Role } from '@psa/http/auth';
import type { LoadOptions } from '@psa/routing/replay-load';
import { type SimulateDeps, type SimulationReport, simulateMonth } from '@psa/routing/simulate';

/** Leadership weighs proposals; internal IT writes them. The partner may not read internal tickets. */
export const SIMULATION_ROLES: readonly Role[] = ['internal', 'leadership'];

/**
 * `POST division-of-work/simulate`: replay a month through a proposal for a principal of the
 * tenant who may weigh proposals (see {@link simulateMonth}).
 */
export async function simulateProposal(
  cmd: Parameters<typeof simulateMonth>[0] & { principal: Principal },
  deps: SimulateDeps,
  opts: LoadOptions = {},
): Promise<SimulationReport> {
  assertTenant(cmd.principal, cmd.tenantId);
  assertRole(cmd.principal, SIMULATION_ROLES, 'simulate a division of work');
  const { principal: _principal, ...simulation } = cmd;
  return simulateMonth(simulation, deps, opts);
}
