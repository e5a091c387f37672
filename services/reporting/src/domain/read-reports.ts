import type { Logger } from '@aws-lambda-powertools/logger';
import { assertRole, assertTenant, type Principal } from '@psa/http/auth';
import type { Clock } from '@psa/model/clock';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { NotFoundError } from '@psa/model/errors';
import { MonthlyReliefReport, toBusEvent } from '@psa/model/events';
import { monthOf, previousMonth } from '@psa/model/month';
import { deliverOrDefer, eventEntry, type OutboxDeps } from '@psa/model/outbox';
import type { TenantStore, TicketStore } from '@psa/model/ports';
import type { PulseStore } from '@psa/model/pulse';
import type { BacklogSnapshot, ReportStore } from '@psa/model/report-facts';
import type { SlaStore } from '@psa/model/sla-clock';
import { pulseOfMonth } from './pulse.ts';
import { afterHoursFromCounters, backlogReport, monthOverMonth, reliefFromCounters } from './reports.ts';
import { dueAndBreached, partnerBacklog, partnerRelief, withSlaOverall } from './side-view.ts';
import { againstTargets } from './targets.ts';

export interface ReportDeps {
  tickets: TicketStore;
  tenants: TenantStore;
  reports: ReportStore;
  sla: SlaStore;
  pulse: PulseStore;
  clock: Clock;
}

/** Who may read which reports; the partner reads its own side's figures only (side-view.ts). */
export const REPORT_READERS = ['leadership', 'internal', 'partner'] as const;
const ANALYSTS = ['leadership', 'internal'] as const;

/** The tenant's division of work, once the principal may read the tenant's reports. */
export async function readableTenant(
  principal: Principal,
  tenantId: string,
  deps: Pick<ReportDeps, 'tenants'>,
  readers: readonly Principal['role'][] = ANALYSTS,
) {
  assertTenant(principal, tenantId);
  assertRole(principal, readers, 'read reports');
  const dow = await deps.tenants.getDivisionOfWork(tenantId);
  if (!dow) throw new NotFoundError(`tenant ${tenantId} not found`);
  return dow;
}

/** A month's relief figures from its kept counters (never a read of every fact). */
export async function reliefOfMonth(
  tenantId: string,
  month: string,
  timeZone: string,
  deps: Pick<ReportDeps, 'reports'>,
) {
  const counters = await deps.reports.monthCounters(tenantId, month);
  return withSlaOverall(reliefFromCounters(month, timeZone, counters));
}

export async function getBacklog(cmd: { tenantId: string; principal: Principal }, deps: ReportDeps) {
  await readableTenant(cmd.principal, cmd.tenantId, deps, REPORT_READERS);
  const partnerOnly = cmd.principal.role === 'partner';
  const owners = partnerOnly
    ? (['partner', 'triage'] as const)
    : (['partner', 'internal', 'triage'] as const);
  const lists = await Promise.all(owners.map((o) => deps.tickets.listOpen(cmd.tenantId, o)));
  const open = (o: 'partner' | 'internal' | 'triage') => lists[owners.indexOf(o as never)] ?? [];
  const [partner, internal, triage] = [open('partner'), open('internal'), open('triage')];
  const now = deps.clock.now();
  const report = {
    ...backlogReport({ partner, internal, triage }, now),
    ...(await dueAndBreached([...partner, ...internal, ...triage], now, deps.sla)),
  };
  return partnerOnly ? partnerBacklog(report) : report;
}

export async function getMonthly(
  kind: 'after-hours' | 'relief',
  cmd: { tenantId: string; principal: Principal; month?: string },
  deps: ReportDeps,
) {
  if (kind === 'relief') return getRelief(cmd, deps);
  const dow = await readableTenant(cmd.principal, cmd.tenantId, deps);
  const month = cmd.month ?? monthOf(deps.clock.now(), dow.timeZone);
  const counters = await deps.reports.monthCounters(cmd.tenantId, month);
  return afterHoursFromCounters(month, dow.timeZone, counters);
}

/** The relief report of a month, with its targets and how it stands against them; the partner's side only for the partner. */
export async function getRelief(
  cmd: { tenantId: string; principal: Principal; month?: string },
  deps: ReportDeps,
) {
  const dow = await readableTenant(cmd.principal, cmd.tenantId, deps, REPORT_READERS);
  const month = cmd.month ?? monthOf(deps.clock.now(), dow.timeZone);
  const relief = await reliefWithTrend(dow, month, deps);
  const sla = cmd.principal.role === 'partner' ? relief.slaOverall.partner : relief.slaOverall.all;
  const report = {
    ...relief,
    targets: dow.targets,
    status: againstTargets(
      {
        partnerShare: relief.partnerShare,
        afterHoursAbsorbed: relief.afterHoursPartnerShare,
        slaAttainment: sla.attainment,
      },
      dow.targets,
    ),
  };
  // The partner reads its own side's figures only: never internal IT's interruptions nor its pulse.
  return cmd.principal.role === 'partner' ? partnerRelief(report) : report;
}

/** A month's relief report with its trend, backlog and team pulse: what the API and the event carry. */
export async function reliefWithTrend(dow: DivisionOfWork, month: string, deps: ReportDeps) {
  const { tenantId, timeZone } = dow;
  const before = previousMonth(month);
  const [current, previous] = await Promise.all([
    reliefOfMonth(tenantId, month, timeZone, deps),
    reliefOfMonth(tenantId, before, timeZone, deps),
  ]);
  // Start: the snapshot taken as the previous month closed. End: this month's own snapshot, or,
  // for the month still running, the backlog now.
  const start = await deps.reports.getBacklogSnapshot(tenantId, before);
  const end =
    (await deps.reports.getBacklogSnapshot(tenantId, month)) ??
    (monthOf(deps.clock.now(), timeZone) === month ? await backlogSnapshot(tenantId, deps) : null);
  return {
    ...current,
    internalBacklog: {
      atStart: start?.open.internal ?? null,
      atEnd: end?.open.internal ?? null,
      endAsOf: end?.takenAt ?? null,
      trend: start && end ? end.open.internal - start.open.internal : null,
      oldestOpen: end?.oldestInternal ?? null,
    },
    monthOverMonth: monthOverMonth(current, previous),
    pulse: await pulseOfMonth(dow, month, deps),
  };
}

/** The open backlog now, from the open-ticket index. */
export async function backlogSnapshot(
  tenantId: string,
  deps: Pick<ReportDeps, 'tickets' | 'clock'>,
): Promise<BacklogSnapshot> {
  const [partner, internal, triage] = await Promise.all(
    (['partner', 'internal', 'triage'] as const).map((o) => deps.tickets.listOpen(tenantId, o)),
  );
  const oldest = [...internal!].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))[0];
  return {
    takenAt: deps.clock.now().toISOString(),
    open: { partner: partner!.length, internal: internal!.length, triage: triage!.length },
    oldestInternal: oldest ? { id: oldest.id, key: oldest.key, receivedAt: oldest.receivedAt } : null,
  };
}

/**
 * Publish each tenant's relief report for the month that has just closed in the tenant's own time
 * zone, exactly once (a conditional marker carries the event in its outbox). Running hourly, a
 * missed run is made good by the next.
 */
export async function publishMonthlyRelief(
  deps: ReportDeps & OutboxDeps & { logger: Pick<Logger, 'warn' | 'info'> },
): Promise<string[]> {
  const published: string[] = [];
  for (const tenantId of await deps.tenants.listTenants()) {
    const dow = await deps.tenants.getDivisionOfWork(tenantId);
    if (!dow) continue;
    const now = deps.clock.now();
    const month = previousMonth(monthOf(now, dow.timeZone));
    // Published already: the usual case on every hourly run but the first after a month closes.
    if (await deps.reports.hasRelief(tenantId, month)) continue;
    // The backlog as the month closed (within the hour): its end, and the next month's start.
    await deps.reports.saveBacklogSnapshot(tenantId, month, await backlogSnapshot(tenantId, deps));
    const report = await reliefWithTrend(dow, month, deps);
    const eventId = `${tenantId}:relief:${month}`;
    const entry = eventEntry(
      eventId,
      toBusEvent(MonthlyReliefReport, { eventId, occurredAt: now.toISOString(), tenantId, month, report }),
    );
    const ref = await deps.reports.recordRelief(tenantId, month, [entry]);
    if (!ref) continue;
    await deliverOrDefer(ref, [entry], deps, { tenantId, month });
    published.push(`${tenantId}/${month}`);
  }
  return published;
}
