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
import { pulseOfMonth } from './pulse.ts';
import { afterHoursReport, backlogReport, monthOverMonth, reliefReport } from './reports.ts';

export interface ReportDeps {
  tickets: TicketStore;
  tenants: TenantStore;
  reports: ReportStore;
  pulse: PulseStore;
  clock: Clock;
}

const READERS = ['leadership', 'internal'] as const;

async function tenantDoc(principal: Principal, tenantId: string, deps: ReportDeps) {
  assertTenant(principal, tenantId);
  assertRole(principal, READERS, 'read reports');
  const dow = await deps.tenants.getDivisionOfWork(tenantId);
  if (!dow) throw new NotFoundError(`tenant ${tenantId} not found`);
  return dow;
}

export async function getBacklog(cmd: { tenantId: string; principal: Principal }, deps: ReportDeps) {
  await tenantDoc(cmd.principal, cmd.tenantId, deps);
  const [partner, internal, triage] = await Promise.all(
    (['partner', 'internal', 'triage'] as const).map((o) => deps.tickets.listOpen(cmd.tenantId, o)),
  );
  return backlogReport({ partner: partner!, internal: internal!, triage: triage! }, deps.clock.now());
}

export async function getMonthly(
  kind: 'after-hours' | 'relief',
  cmd: { tenantId: string; principal: Principal; month?: string },
  deps: ReportDeps,
) {
  if (kind === 'relief') return getRelief(cmd, deps);
  const dow = await tenantDoc(cmd.principal, cmd.tenantId, deps);
  const month = cmd.month ?? monthOf(deps.clock.now(), dow.timeZone);
  return afterHoursReport(month, dow.timeZone, await deps.reports.listFacts(cmd.tenantId, month));
}

/** `GET reports/relief?month=`: the month's relief report (default: the current month in the tenant's zone). */
export async function getRelief(
  cmd: { tenantId: string; principal: Principal; month?: string },
  deps: ReportDeps,
) {
  const dow = await tenantDoc(cmd.principal, cmd.tenantId, deps);
  const month = cmd.month ?? monthOf(deps.clock.now(), dow.timeZone);
  const report = await reliefWithTrend(dow, month, await deps.reports.listFacts(cmd.tenantId, month), deps);
  // The pulse's comments are for leadership and internal IT only (READERS today); should another
  // role ever read this report, it gets the figures without them.
  if (!(READERS as readonly string[]).includes(cmd.principal.role)) report.pulse.comments = [];
  return report;
}

/** A month's relief report with its trend, backlog, and team pulse: what the API and the event carry. */
export async function reliefWithTrend(
  dow: DivisionOfWork,
  month: string,
  facts: Awaited<ReturnType<ReportDeps['reports']['listFacts']>>,
  deps: ReportDeps,
) {
  const { tenantId, timeZone } = dow;
  const current = reliefReport(month, timeZone, facts);
  const before = previousMonth(month);
  const previous = reliefReport(before, timeZone, await deps.reports.listFacts(tenantId, before));
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
    const report = await reliefWithTrend(dow, month, await deps.reports.listFacts(tenantId, month), deps);
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
