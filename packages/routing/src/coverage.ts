import type { DivisionOfWork } from '@psa/model/division-of-work';
import { NotFoundError } from '@psa/model/errors';
import { monthOf } from '@psa/model/month';
import type { RoutingRule } from '@psa/model/ticket';
import { monthWindow, type Replay, replayMonth } from './replay.ts';
import { type LoadOptions, loadReplayTickets } from './replay-load.ts';
import {
  actualFacts,
  backlogCheck,
  compareDecision,
  type DecisionChange,
  ratio,
  routingStats,
  UNRECOGNISED,
} from './routing-stats.ts';
import { DEFAULT_MAX_CHANGES, overflowLimitsOf, type SimulateDeps } from './simulate.ts';

/** What coverage reads: the month's tickets, the current document and the versions that decided them. */
export type CoverageDeps = SimulateDeps;

/**
 * Routing coverage and drift for a month: how much of the work the division of work recognised
 * (and how much fell to triage or no workload), which workloads and rules carried it, and which
 * tickets the current version would route differently from how they were routed. Reads only,
 * through the ticket and tenant ports; who may read it is the caller's business.
 */

export interface CoverageReport {
  tenantId: string;
  month: string;
  timeZone: string;
  window: { from: string; to: string };
  currentVersion: number;
  /** Routed tickets received in the month. */
  tickets: number;
  /** Received in the month but not routed yet (left out). */
  unrouted: number;
  /** Routed to triage: nothing recognised with enough confidence. */
  triage: { count: number; share: number | null };
  /** No workload recorded (triage, and VIP tickets of no recognised workload). */
  unrecognised: { count: number; share: number | null };
  /** Tickets per workload as routed; every workload of the current version is listed, hit or not. */
  workloadHits: Record<string, number>;
  ruleCounts: Record<RoutingRule, number>;
  /** Tickets per division-of-work version that decided them. */
  byVersion: Record<string, number>;
  /** Re-decided with the current version (backlog as it actually was). */
  drift: {
    count: number;
    ownerChanged: number;
    workloadChanged: number;
    ruleChanged: number;
    truncated: boolean;
    items: DecisionChange[];
  };
  backlog: { atMonthStart: number; check: { compared: number; agreed: number }; lookbackDays: number };
  read: { ticketsIndex: number; openIndex: number };
}

/** Pure: coverage of a month already replayed through the current document in `actual` mode. */
export function summariseCoverage(input: {
  tenantId: string;
  replay: Replay;
  current: DivisionOfWork;
  overflowLimitByVersion: ReadonlyMap<number, number>;
  maxItems?: number;
  read?: { ticketsIndex: number; openIndex: number };
  lookbackDays?: number;
}): CoverageReport {
  const { replay, current } = input;
  const maxItems = input.maxItems ?? DEFAULT_MAX_CHANGES;
  const facts = replay.tickets.map((r) => actualFacts(r.ticket));
  const stats = routingStats(
    facts,
    current.workloads.map((w) => w.id),
  );
  const byVersion: Record<string, number> = {};
  for (const r of replay.tickets) {
    const v = String(r.ticket.routing!.divisionOfWorkVersion);
    byVersion[v] = (byVersion[v] ?? 0) + 1;
  }
  const items: DecisionChange[] = [];
  let count = 0;
  const changed = { owner: 0, workload: 0, rule: 0 };
  for (const r of replay.tickets) {
    const change = compareDecision(r);
    if (!change) continue;
    count++;
    for (const d of change.differs) changed[d]++;
    if (items.length < maxItems) items.push(change);
  }
  const n = replay.tickets.length;
  const unrecognised = stats.workloadHits[UNRECOGNISED] ?? 0;
  return {
    tenantId: input.tenantId,
    month: replay.window.month,
    timeZone: replay.window.timeZone,
    window: { from: replay.window.start.toISOString(), to: replay.window.end.toISOString() },
    currentVersion: current.version,
    tickets: n,
    unrouted: replay.unrouted,
    triage: { count: stats.ruleCounts.triage, share: ratio(stats.ruleCounts.triage, n) },
    unrecognised: { count: unrecognised, share: ratio(unrecognised, n) },
    workloadHits: stats.workloadHits,
    ruleCounts: stats.ruleCounts,
    byVersion,
    drift: {
      count,
      ownerChanged: changed.owner,
      workloadChanged: changed.workload,
      ruleChanged: changed.rule,
      truncated: count > items.length,
      items,
    },
    backlog: {
      atMonthStart: replay.backlogAtMonthStart,
      check: backlogCheck(replay, input.overflowLimitByVersion),
      lookbackDays: input.lookbackDays ?? 0,
    },
    read: input.read ?? { ticketsIndex: 0, openIndex: 0 },
  };
}

/** Coverage of a month (YYYY-MM); it defaults to the current one in the tenant's zone. */
export async function coverageOfMonth(
  cmd: { tenantId: string; month?: string; maxItems?: number },
  deps: CoverageDeps,
  opts: LoadOptions = {},
): Promise<CoverageReport> {
  const current = await deps.tenants.getDivisionOfWork(cmd.tenantId);
  if (!current) throw new NotFoundError(`tenant ${cmd.tenantId} not found`);
  const month = cmd.month ?? monthOf(deps.clock.now(), current.timeZone);
  const window = monthWindow(month, current.timeZone);
  const loaded = await loadReplayTickets(cmd.tenantId, window, deps, opts);
  const replay = replayMonth({ window, tickets: loaded.tickets, document: current, backlog: 'actual' });
  return summariseCoverage({
    tenantId: cmd.tenantId,
    replay,
    current,
    overflowLimitByVersion: await overflowLimitsOf(cmd.tenantId, replay, deps.tenants),
    ...(cmd.maxItems !== undefined ? { maxItems: cmd.maxItems } : {}),
    read: loaded.read,
    lookbackDays: loaded.lookbackDays,
  });
}
