import type { Owner, RoutingRule, Ticket } from '@psa/model/ticket';
import { OWNERS, routedOwner } from './backlog.ts';
import type { Replay, ReplayedTicket } from './replay.ts';

/**
 * A month's routing in numbers and the decisions a replay changed: the counts what-if simulation
 * and routing coverage report, by the same definitions as the relief report.
 */

/** What a decision came to, actual or replayed, in the terms the summaries count. */
export interface DecisionFacts {
  owner: Owner;
  workload: string | null;
  rule: RoutingRule;
  afterHours: boolean;
  handleMinutes: number;
  overflow: boolean;
}

export function actualFacts(t: Ticket): DecisionFacts {
  return {
    owner: routedOwner(t)!,
    workload: t.workload,
    rule: t.routing!.rule,
    afterHours: t.afterHours ?? t.routing!.flags.afterHours,
    handleMinutes: t.handleMinutes ?? 0,
    overflow: t.routing!.flags.overflow,
  };
}

export function replayedFacts(r: ReplayedTicket): DecisionFacts {
  return {
    owner: r.outcome.owner,
    workload: r.outcome.workload,
    rule: r.outcome.routing.rule,
    afterHours: r.outcome.afterHours,
    handleMinutes: r.outcome.handleMinutes,
    overflow: r.outcome.routing.flags.overflow,
  };
}

const RULES: readonly RoutingRule[] = [
  'guardrail',
  'vip',
  'workload-owner',
  'after-hours',
  'overflow',
  'triage',
];
const zeroes = <K extends string>(ks: readonly K[]) =>
  Object.fromEntries(ks.map((k) => [k, 0])) as Record<K, number>;
/** n / d to three decimals; null for an empty month. */
export const ratio = (n: number, d: number): number | null =>
  d === 0 ? null : Math.round((n / d) * 1000) / 1000;
/** Label of "no workload recognised" in per-workload counts. */
export const UNRECOGNISED = 'unrecognised';

/** The month's routing in numbers, by the same definitions as the relief report. */
export interface RoutingStats {
  tickets: number;
  ticketsByOwner: Record<Owner, number>;
  /** Partner-owned / all tickets. */
  partnerShare: number | null;
  afterHours: { tickets: number; byOwner: Record<Owner, number>; absorbedByPartner: number };
  /** Handle minutes of partner-owned tickets: the internal time they freed. */
  partnerHandleMinutes: number;
  internalHoursFreed: number;
  /** Tickets per workload (`unrecognised` for none); every workload of `workloadIds` is listed. */
  workloadHits: Record<string, number>;
  ruleCounts: Record<RoutingRule, number>;
}

export function routingStats(
  decisions: readonly DecisionFacts[],
  workloadIds: readonly string[],
): RoutingStats {
  const byOwner = zeroes(OWNERS);
  const afterHoursByOwner = zeroes(OWNERS);
  const workloadHits: Record<string, number> = { ...zeroes(workloadIds), [UNRECOGNISED]: 0 };
  const ruleCounts = zeroes(RULES);
  let partnerMinutes = 0;
  for (const d of decisions) {
    byOwner[d.owner]++;
    if (d.afterHours) afterHoursByOwner[d.owner]++;
    if (d.owner === 'partner') partnerMinutes += d.handleMinutes;
    const w = d.workload ?? UNRECOGNISED;
    workloadHits[w] = (workloadHits[w] ?? 0) + 1;
    ruleCounts[d.rule]++;
  }
  const afterHours = OWNERS.reduce((n, o) => n + afterHoursByOwner[o], 0);
  return {
    tickets: decisions.length,
    ticketsByOwner: byOwner,
    partnerShare: ratio(byOwner.partner, decisions.length),
    afterHours: {
      tickets: afterHours,
      byOwner: afterHoursByOwner,
      absorbedByPartner: afterHoursByOwner.partner,
    },
    partnerHandleMinutes: partnerMinutes,
    internalHoursFreed: Math.round((partnerMinutes / 60) * 100) / 100,
    workloadHits,
    ruleCounts,
  };
}

/** One ticket whose replayed decision differs from what happened. */
export interface DecisionChange {
  id: string;
  key: string;
  subject: string;
  receivedAt: string;
  actual: { owner: Owner; rule: RoutingRule; workload: string | null; divisionOfWorkVersion: number };
  replayed: { owner: Owner; rule: RoutingRule; workload: string | null; reasons: string[] };
  /** Which of owner, workload and rule differ. */
  differs: ('owner' | 'workload' | 'rule')[];
}

export function compareDecision(r: ReplayedTicket): DecisionChange | null {
  const a = actualFacts(r.ticket);
  const b = replayedFacts(r);
  const differs: DecisionChange['differs'] = [];
  if (a.owner !== b.owner) differs.push('owner');
  if (a.workload !== b.workload) differs.push('workload');
  if (a.rule !== b.rule) differs.push('rule');
  if (differs.length === 0) return null;
  const t = r.ticket;
  return {
    id: t.id,
    key: t.key,
    subject: t.subject,
    receivedAt: t.receivedAt,
    actual: {
      owner: a.owner,
      rule: a.rule,
      workload: a.workload,
      divisionOfWorkVersion: t.routing!.divisionOfWorkVersion,
    },
    replayed: { owner: b.owner, rule: b.rule, workload: b.workload, reasons: r.outcome.routing.reasons },
    differs,
  };
}

/**
 * How faithful the backlog reconstruction is: for each ticket whose decision recorded whether
 * overflow was in force, does the reconstructed actual backlog say the same under the overflow
 * limit of the version that decided it?
 */
export function backlogCheck(
  replay: Replay,
  overflowLimitByVersion: ReadonlyMap<number, number>,
): { compared: number; agreed: number } {
  let compared = 0;
  let agreed = 0;
  for (const r of replay.tickets) {
    const limit = overflowLimitByVersion.get(r.ticket.routing!.divisionOfWorkVersion);
    if (limit === undefined) continue;
    compared++;
    if (r.actualBacklog > limit === r.ticket.routing!.flags.overflow) agreed++;
  }
  return { compared, agreed };
}
