import type { Principal } from '@psa/http/auth';
import { NotFoundError } from '@psa/model/errors';
import { monthOf, previousMonth } from '@psa/model/month';
import { pulseOfMonth } from './pulse.ts';
import {
  backlogSnapshot,
  getRelief,
  REPORT_READERS,
  type ReportDeps,
  readableTenant,
  reliefOfMonth,
} from './read-reports.ts';
import { monthTables, type ReportTable, ticketsTable, toCsv, trendsTable } from './tables.ts';
import { AMBER_MARGIN, againstTargets } from './targets.ts';

interface MonthCmd {
  tenantId: string;
  principal: Principal;
  month?: string;
}

/** The last `months` months up to `month`, oldest first. */
export function monthsUpTo(month: string, months: number): string[] {
  const out = [month];
  while (out.length < months) out.unshift(previousMonth(out[0]!));
  return out;
}

/**
 * The figures of the last months, each against its target: what the dashboard's trend charts
 * draw. Each month reads its kept counters and its closing backlog snapshot, so twelve months of
 * 100,000 tickets read as a few dozen small items (and each month's pulse answers, one per
 * internal IT person). The partner reads its own side's SLA only, and no pulse.
 */
export async function getTrends(cmd: MonthCmd & { months?: number }, deps: ReportDeps) {
  const dow = await readableTenant(cmd.principal, cmd.tenantId, deps, REPORT_READERS);
  const partner = cmd.principal.role === 'partner';
  const now = deps.clock.now();
  const current = monthOf(now, dow.timeZone);
  const to = cmd.month ?? current;
  const months = monthsUpTo(to, cmd.months ?? 12);
  const points = await Promise.all(
    months.map(async (month) => {
      const [r, snapshot, pulse] = await Promise.all([
        reliefOfMonth(cmd.tenantId, month, dow.timeZone, deps),
        partner
          ? null
          : deps.reports
              .getBacklogSnapshot(cmd.tenantId, month)
              .then(async (s) => s ?? (month === current ? backlogSnapshot(cmd.tenantId, deps) : null)),
        // The team pulse is internal IT's: never the partner's to read.
        partner ? null : pulseOfMonth(dow, month, deps),
      ]);
      const sla = partner ? r.slaOverall.partner.attainment : r.slaOverall.all.attainment;
      const figures = {
        partnerShare: r.partnerShare,
        afterHoursAbsorbed: r.afterHoursPartnerShare,
        slaAttainment: sla,
      };
      return {
        month,
        totalTickets: r.totalTickets,
        ...figures,
        afterHoursTickets: r.afterHoursTickets,
        internalHoursFreed: r.internalHoursFreed,
        ...(partner
          ? {}
          : {
              slaAttainmentBySide: {
                partner: r.slaOverall.partner.attainment,
                internal: r.slaOverall.internal.attainment,
              },
              internalBacklog: snapshot?.open.internal ?? null,
              pulseMean: pulse?.mean ?? null,
            }),
        status: againstTargets(figures, dow.targets),
      };
    }),
  );
  return {
    side: partner ? ('partner' as const) : ('both' as const),
    timeZone: dow.timeZone,
    from: months[0]!,
    to,
    targets: dow.targets,
    amberMargin: AMBER_MARGIN,
    points,
  };
}

/** A month's report as the dashboard's tables (the same rows the CSV exports carry). */
export async function getMonthTables(cmd: MonthCmd, deps: ReportDeps) {
  const relief = await getRelief(cmd, deps);
  return {
    month: relief.month,
    side: 'side' in relief ? relief.side : ('both' as const),
    tables: monthTables(relief),
  };
}

/** Export names besides the month's tables. */
export const EXPORTS = ['tickets', 'trends'] as const;

/**
 * One table as CSV: a table of the month's report, the month's tickets (one row each), or the
 * trends; same roles and the same partner view as the JSON reports.
 */
export async function exportCsv(
  cmd: MonthCmd & { table: string },
  deps: ReportDeps,
): Promise<{ filename: string; csv: string }> {
  const dow = await readableTenant(cmd.principal, cmd.tenantId, deps, REPORT_READERS);
  const month = cmd.month ?? monthOf(deps.clock.now(), dow.timeZone);
  const partner = cmd.principal.role === 'partner';
  let table: ReportTable | undefined;
  if (cmd.table === 'tickets') {
    const facts = await deps.reports.listFacts(cmd.tenantId, month);
    table = ticketsTable(partner ? facts.filter((f) => f.owner !== 'internal') : facts);
  } else if (cmd.table === 'trends') {
    table = trendsTable(await getTrends({ ...cmd, month }, deps));
  } else {
    table = (await getMonthTables({ ...cmd, month }, deps)).tables.find((t) => t.id === cmd.table);
  }
  if (!table) throw new NotFoundError(`no table '${cmd.table}' in the ${month} report`);
  return { filename: `${cmd.tenantId}-${month}-${table.id}.csv`, csv: toCsv(table) };
}
