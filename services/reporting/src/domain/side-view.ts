import type { SlaClockRecord, SlaStore } from '@psa/model/sla-clock';
import type { Owner, Ticket } from '@psa/model/ticket';
import type { backlogReport, ReliefFigures } from './reports.ts';

const HOUR = 3_600_000;
/** "Due soon" on the dashboard: a running clock due within this many hours. */
export const DUE_SOON_HOURS = 4;
/** Open tickets whose clocks the backlog reads at most (oldest first); the rest are counted as not read. */
export const MAX_CLOCK_READS = 2_000;
const READ_CONCURRENCY = 16;

type SlaOutcome = { measured: number; met: number; attainment: number | null };

/** Met of measured over every SLA target of one side (first response, resolution, next update). */
function overall(parts: readonly { measured: number; met: number }[]): SlaOutcome {
  const measured = parts.reduce((n, p) => n + p.measured, 0);
  const met = parts.reduce((n, p) => n + p.met, 0);
  return { measured, met, attainment: measured === 0 ? null : Math.round((met / measured) * 1000) / 1000 };
}

/** The relief figures with `slaOverall`: each side's attainment over all its targets, and both sides'. */
export function withSlaOverall(r: ReliefFigures) {
  const side = (o: Owner) => {
    const s = r.slaAttainment[o];
    return overall([s.firstResponse, s.resolution, s.nextUpdate]);
  };
  // Triage is the partner's service desk: its clocks run on the partner's side.
  const partner = overall([side('partner'), side('triage')]);
  const internal = side('internal');
  return { ...r, slaOverall: { partner, internal, all: overall([partner, internal]) } };
}

type Relief = ReturnType<typeof withSlaOverall> & {
  internalBacklog?: unknown;
  monthOverMonth: import('./reports.ts').MonthOverMonth;
  targets: unknown;
  status: unknown;
};

/**
 * What the partner may read of a month's relief report: the figures of its own side and the
 * shares of the whole it accounts for, built field by field, so that a section added to the
 * report later stays hidden from the partner until it is added here on purpose.
 */
export function partnerRelief(r: Relief) {
  const mom = r.monthOverMonth;
  return {
    side: 'partner' as const,
    month: r.month,
    timeZone: r.timeZone,
    targets: r.targets,
    status: r.status,
    totalTickets: r.totalTickets,
    ticketsByOwner: { partner: r.ticketsByOwner.partner },
    partnerShare: r.partnerShare,
    afterHoursTickets: r.afterHoursTickets,
    afterHoursByOwner: { partner: r.afterHoursByOwner.partner },
    afterHoursPartnerShare: r.afterHoursPartnerShare,
    internalHoursFreed: r.internalHoursFreed,
    openAtReport: { partner: r.openAtReport.partner },
    slaAttainment: { partner: r.slaAttainment.partner, triage: r.slaAttainment.triage },
    slaOverall: { partner: r.slaOverall.partner },
    satisfaction: {
      byOwner: { partner: r.satisfaction.byOwner.partner, triage: r.satisfaction.byOwner.triage },
    },
    handoffs: r.handoffs,
    alertQuality: { byOwner: { partner: r.alertQuality.byOwner.partner } },
    monthOverMonth: {
      previousMonth: mom.previousMonth,
      totalTickets: mom.totalTickets,
      partnerShare: mom.partnerShare,
      afterHoursTickets: mom.afterHoursTickets,
      internalHoursFreed: mom.internalHoursFreed,
      escalationsToInternal: mom.escalationsToInternal,
      satisfaction: { byOwner: { partner: mom.satisfaction.byOwner.partner } },
    },
  };
}

export interface UrgentTicket {
  id: string;
  key: string;
  owner: Owner;
  priority: Ticket['priority'];
  clock: string;
  dueAt: string;
}

/**
 * The open tickets with a clock due within {@link DUE_SOON_HOURS} hours, and those with a clock
 * breached and still not met, soonest (or longest breached) first.
 */
export async function dueAndBreached(open: readonly Ticket[], now: Date, sla: SlaStore) {
  const oldestFirst = [...open].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  const read = oldestFirst.slice(0, MAX_CLOCK_READS);
  const clocks = new Map<string, SlaClockRecord[]>();
  let next = 0;
  await Promise.all(
    Array.from({ length: READ_CONCURRENCY }, async () => {
      while (next < read.length) {
        const t = read[next++]!;
        clocks.set(t.id, await sla.listClocks(t.tenantId, t.id));
      }
    }),
  );
  const dueSoon: UrgentTicket[] = [];
  const breached: UrgentTicket[] = [];
  const horizon = now.getTime() + DUE_SOON_HOURS * HOUR;
  for (const t of read) {
    const open = (clocks.get(t.id) ?? []).filter((c) => !c.completedAt && c.pausedFor !== 'withdrawn');
    const entry = (c: SlaClockRecord) => ({
      id: t.id,
      key: t.key,
      owner: t.owner ?? 'triage',
      priority: t.priority,
      clock: c.clockId,
      dueAt: c.breachedAt ?? c.dueAt!,
    });
    const late = open
      .filter((c) => c.breached)
      .sort((a, b) => (a.breachedAt ?? '').localeCompare(b.breachedAt ?? ''));
    if (late[0]) breached.push(entry(late[0]));
    const soon = open
      .filter((c) => !c.breached && !c.pausedFor && c.dueAt && new Date(c.dueAt).getTime() <= horizon)
      .sort((a, b) => a.dueAt!.localeCompare(b.dueAt!));
    if (soon[0]) dueSoon.push(entry(soon[0]));
  }
  const byDue = (a: UrgentTicket, b: UrgentTicket) => a.dueAt.localeCompare(b.dueAt);
  return {
    dueSoonHours: DUE_SOON_HOURS,
    dueSoon: dueSoon.sort(byDue),
    breached: breached.sort(byDue),
    clocksRead: { tickets: read.length, notRead: open.length - read.length },
  };
}

type Backlog = ReturnType<typeof backlogReport> & Awaited<ReturnType<typeof dueAndBreached>>;

/** The partner's side of the backlog: its own open tickets and its service desk's (triage) only. */
export function partnerBacklog(b: Backlog) {
  const mine = (u: UrgentTicket) => u.owner !== 'internal';
  return {
    side: 'partner' as const,
    asOf: b.asOf,
    total: b.byOwner.partner + b.byOwner.triage,
    byOwner: { partner: b.byOwner.partner, triage: b.byOwner.triage },
    byPriority: { partner: b.byPriority.partner, triage: b.byPriority.triage },
    byAge: { partner: b.byAge.partner, triage: b.byAge.triage },
    oldestOpen: { partner: b.oldestOpen.partner, triage: b.oldestOpen.triage },
    dueSoonHours: b.dueSoonHours,
    dueSoon: b.dueSoon.filter(mine),
    breached: b.breached.filter(mine),
    clocksRead: b.clocksRead,
  };
}
