import type { Clock } from '@psa/model/clock';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { NotFoundError, ValidationError } from '@psa/model/errors';
import { isMonth, MONTH_MESSAGE } from '@psa/model/month';
import type { TenantStore, TicketStore } from '@psa/model/ports';
import type { Owner } from '@psa/model/ticket';
import { checkDocument, prefixIssues } from './document.ts';
import { type BacklogMode, monthWindow, type Replay, replayMonth } from './replay.ts';
import { type LoadOptions, loadReplayTickets } from './replay-load.ts';
import {
  actualFacts,
  backlogCheck,
  compareDecision,
  type DecisionChange,
  type RoutingStats,
  replayedFacts,
  routingStats,
} from './routing-stats.ts';

/**
 * What-if simulation: replay a month of real tickets through a proposed division of work and say
 * what it would have changed, with no side effects (it only reads, through the ticket and tenant
 * ports). Who may simulate is the caller's business: the API checks the principal, the operator
 * CLI holds the table already.
 */

/** At most this many changed tickets are listed by default (all are counted). */
export const DEFAULT_MAX_CHANGES = 500;

export interface SimulationReport {
  tenantId: string;
  month: string;
  timeZone: string;
  window: { from: string; to: string };
  proposal: { name: string; workloads: number; comparedWithVersion: number };
  /** As routed (before any handoff), by the versions then current. */
  actual: RoutingStats & { divisionOfWorkVersions: number[] };
  simulated: RoutingStats;
  /** simulated - actual. */
  delta: {
    ticketsByOwner: Record<Owner, number>;
    partnerShare: number | null;
    afterHoursAbsorbedByPartner: number;
    partnerHandleMinutes: number;
    internalHoursFreed: number;
  };
  /** Tickets whose owner would change; `workloadChanged`/`ruleChanged` count every ticket. */
  changes: {
    count: number;
    workloadChanged: number;
    ruleChanged: number;
    truncated: boolean;
    items: DecisionChange[];
  };
  backlog: {
    mode: BacklogMode;
    /** Internal tickets open when the month began. */
    atMonthStart: number;
    /** Highest internal backlog a replayed decision saw. */
    max: number;
    overflowLimit: number;
    /** Replayed decisions made while the backlog exceeded the proposal's overflow limit. */
    overflowInForce: number;
    /** Reconstruction vs the overflow flag each real decision recorded (see `backlogCheck`). */
    check: { compared: number; agreed: number };
    lookbackDays: number;
  };
  read: { ticketsIndex: number; openIndex: number; unrouted: number };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Pure: a replay of the proposal, compared with what happened. */
export function summariseSimulation(input: {
  tenantId: string;
  replay: Replay;
  proposal: DivisionOfWork;
  current: DivisionOfWork;
  overflowLimitByVersion: ReadonlyMap<number, number>;
  maxChanges?: number;
  read?: { ticketsIndex: number; openIndex: number };
  lookbackDays?: number;
}): SimulationReport {
  const { replay, proposal, current } = input;
  const maxChanges = input.maxChanges ?? DEFAULT_MAX_CHANGES;
  const actual = routingStats(
    replay.tickets.map((r) => actualFacts(r.ticket)),
    current.workloads.map((w) => w.id),
  );
  const simulated = routingStats(
    replay.tickets.map(replayedFacts),
    proposal.workloads.map((w) => w.id),
  );
  const items: DecisionChange[] = [];
  let owners = 0;
  let workloads = 0;
  let rules = 0;
  for (const r of replay.tickets) {
    const change = compareDecision(r);
    if (!change) continue;
    if (change.differs.includes('workload')) workloads++;
    if (change.differs.includes('rule')) rules++;
    if (!change.differs.includes('owner')) continue;
    owners++;
    if (items.length < maxChanges) items.push(change);
  }
  const versions = [...new Set(replay.tickets.map((r) => r.ticket.routing!.divisionOfWorkVersion))].sort(
    (a, b) => a - b,
  );
  return {
    tenantId: input.tenantId,
    month: replay.window.month,
    timeZone: replay.window.timeZone,
    window: { from: replay.window.start.toISOString(), to: replay.window.end.toISOString() },
    proposal: {
      name: proposal.name,
      workloads: proposal.workloads.length,
      comparedWithVersion: current.version,
    },
    actual: { ...actual, divisionOfWorkVersions: versions },
    simulated,
    delta: {
      ticketsByOwner: {
        partner: simulated.ticketsByOwner.partner - actual.ticketsByOwner.partner,
        internal: simulated.ticketsByOwner.internal - actual.ticketsByOwner.internal,
        triage: simulated.ticketsByOwner.triage - actual.ticketsByOwner.triage,
      },
      partnerShare:
        simulated.partnerShare === null || actual.partnerShare === null
          ? null
          : Math.round((simulated.partnerShare - actual.partnerShare) * 1000) / 1000,
      afterHoursAbsorbedByPartner:
        simulated.afterHours.absorbedByPartner - actual.afterHours.absorbedByPartner,
      partnerHandleMinutes: simulated.partnerHandleMinutes - actual.partnerHandleMinutes,
      internalHoursFreed: round2(simulated.internalHoursFreed - actual.internalHoursFreed),
    },
    changes: {
      count: owners,
      workloadChanged: workloads,
      ruleChanged: rules,
      truncated: owners > items.length,
      items,
    },
    backlog: {
      mode: replay.backlogMode,
      atMonthStart: replay.backlogAtMonthStart,
      max: replay.tickets.reduce((m, r) => Math.max(m, r.backlog), 0),
      overflowLimit: proposal.overflowLimit,
      overflowInForce: replay.tickets.filter((r) => r.outcome.routing.flags.overflow).length,
      check: backlogCheck(replay, input.overflowLimitByVersion),
      lookbackDays: input.lookbackDays ?? 0,
    },
    read: { ...(input.read ?? { ticketsIndex: 0, openIndex: 0 }), unrouted: replay.unrouted },
  };
}

/** The overflow limit of each version that decided one of the replayed tickets (for the backlog check). */
export async function overflowLimitsOf(
  tenantId: string,
  replay: Replay,
  tenants: Pick<TenantStore, 'getVersion'>,
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const v of new Set(replay.tickets.map((r) => r.ticket.routing!.divisionOfWorkVersion))) {
    const found = await tenants.getVersion(tenantId, v);
    if (found) out.set(v, found.document.overflowLimit);
  }
  return out;
}

export interface SimulateDeps {
  tickets: Pick<TicketStore, 'list' | 'listOpen'>;
  tenants: Pick<TenantStore, 'getDivisionOfWork' | 'getVersion'>;
  clock: Clock;
}

/** `YYYY-MM` (the range a month may take is checked by `isMonth` in @psa/model/month). */
export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Simulate a proposed division of work over a month (YYYY-MM in the tenant's zone).
 * `issuePath` prefixes the proposal's issue paths (`body.proposal`).
 */
export async function simulateMonth(
  cmd: {
    tenantId: string;
    month: string;
    proposal: unknown;
    backlog?: BacklogMode;
    maxChanges?: number;
    issuePath?: string;
  },
  deps: SimulateDeps,
  opts: LoadOptions = {},
): Promise<SimulationReport> {
  if (!isMonth(cmd.month)) {
    throw new ValidationError(MONTH_MESSAGE, [{ path: opts.monthPath ?? 'month', message: MONTH_MESSAGE }]);
  }
  const current = await deps.tenants.getDivisionOfWork(cmd.tenantId);
  if (!current) throw new NotFoundError(`tenant ${cmd.tenantId} not found`);
  const checked = checkDocument(cmd.proposal, {
    tenantId: cmd.tenantId,
    nextVersion: current.version + 1,
    now: deps.clock.now(),
    allowAnyEffectiveFrom: true,
  });
  if (!checked.ok) {
    const issues = prefixIssues(cmd.issuePath ?? '', checked.issues);
    throw new ValidationError(
      `invalid proposal: ${issues
        .slice(0, 5)
        .map((i) => `${i.path || '(document)'} (${i.message})`)
        .join('; ')}`,
      issues,
    );
  }
  const window = monthWindow(cmd.month, current.timeZone);
  const loaded = await loadReplayTickets(cmd.tenantId, window, deps, opts);
  const replay = replayMonth({
    window,
    tickets: loaded.tickets,
    document: checked.document,
    backlog: cmd.backlog ?? 'actual',
  });
  return summariseSimulation({
    tenantId: cmd.tenantId,
    replay,
    proposal: checked.document,
    current,
    overflowLimitByVersion: await overflowLimitsOf(cmd.tenantId, replay, deps.tenants),
    ...(cmd.maxChanges !== undefined ? { maxChanges: cmd.maxChanges } : {}),
    read: loaded.read,
    lookbackDays: loaded.lookbackDays,
  });
}
