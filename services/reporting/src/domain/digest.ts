/**
 * The monthly digest's figures (pure): the headline figures against their targets and the
 * largest changes from the month before. ./send-digest.ts mails it; ./digest-mail.ts renders it.
 */

import { type DivisionOfWork, type Targets, TargetsSchema } from '@psa/model/division-of-work';
import type { reliefWithTrend } from './read-reports.ts';
import { type TargetStatus, targetStatus } from './targets.ts';

export type ReliefReport = Awaited<ReturnType<typeof reliefWithTrend>>;

/** The division of work's defaults (its schema's), for a document that sets no targets. */
export const DEFAULT_TARGETS: Targets = TargetsSchema.parse({});

/**
 * The tenant's targets. The division of work's `targets` section belongs to the dashboard's work
 * (issue 12), so it is read defensively here: known names in the shapes above, else the default.
 */
export function targetsOf(dow: DivisionOfWork): Targets {
  // Documents stored before `targets` existed read with the defaults.
  return dow.targets ?? DEFAULT_TARGETS;
}

/** SLA attainment of a month over both sides and every target: met of measured. */
export function overallSlaAttainment(report: ReliefReport): number | null {
  let measured = 0;
  let met = 0;
  for (const side of Object.values(report.slaAttainment)) {
    for (const target of [side.firstResponse, side.resolution, side.nextUpdate]) {
      measured += target.measured;
      met += target.met;
    }
  }
  return measured === 0 ? null : Math.round((met / measured) * 1000) / 1000;
}

export type Status = 'on target' | 'close' | 'below' | 'no data';

const IN_WORDS: Record<TargetStatus, Status> = {
  green: 'on target',
  amber: 'close',
  red: 'below',
  none: 'no data',
};

/** The dashboard's grade of a figure against its target (./targets.ts), in the digest's words. */
export function statusOf(value: number | null, target: number): Status {
  return IN_WORDS[targetStatus(value, target)];
}

export interface Headline {
  label: string;
  value: number | null;
  previous: number | null;
  unit: 'share' | 'hours';
  target: number | null;
  status: Status | null;
}

export function headlines(current: ReliefReport, previous: ReliefReport, targets: Targets): Headline[] {
  const share = (label: string, value: number | null, before: number | null, target: number): Headline => ({
    label,
    value,
    previous: before,
    unit: 'share',
    target,
    status: statusOf(value, target),
  });
  return [
    share('Partner share', current.partnerShare, previous.partnerShare, targets.partnerShare),
    share(
      'After-hours absorbed by the partner',
      current.afterHoursPartnerShare,
      previous.afterHoursPartnerShare,
      targets.afterHoursAbsorbed,
    ),
    {
      label: 'Internal hours freed',
      value: current.internalHoursFreed,
      previous: previous.internalHoursFreed,
      unit: 'hours',
      target: null,
      status: null,
    },
    share(
      'SLA attainment',
      overallSlaAttainment(current),
      overallSlaAttainment(previous),
      targets.slaAttainment,
    ),
  ];
}

export interface Change {
  label: string;
  current: number;
  previous: number;
  unit: 'share' | 'count' | 'hours' | 'score';
  /** Whether a rise is good news (for the wording only). */
  higherIsBetter: boolean;
}

/**
 * The largest changes from the month before: every measure with a value in both months, ranked
 * by relative change (|now − before| / the larger of the two), so a share and a count compare.
 */
export function largestChanges(current: ReliefReport, previous: ReliefReport, count = 3): Change[] {
  const candidates: (Omit<Change, 'current' | 'previous'> & { now: number | null; before: number | null })[] =
    [
      {
        label: 'Tickets',
        now: current.totalTickets,
        before: previous.totalTickets,
        unit: 'count',
        higherIsBetter: false,
      },
      {
        label: 'Partner share',
        now: current.partnerShare,
        before: previous.partnerShare,
        unit: 'share',
        higherIsBetter: true,
      },
      {
        label: 'After-hours absorbed by the partner',
        now: current.afterHoursPartnerShare,
        before: previous.afterHoursPartnerShare,
        unit: 'share',
        higherIsBetter: true,
      },
      {
        label: 'Internal hours freed',
        now: current.internalHoursFreed,
        before: previous.internalHoursFreed,
        unit: 'hours',
        higherIsBetter: true,
      },
      {
        label: 'SLA attainment',
        now: overallSlaAttainment(current),
        before: overallSlaAttainment(previous),
        unit: 'share',
        higherIsBetter: true,
      },
      {
        label: 'Escalations to internal IT',
        now: current.handoffs.escalationsToInternal,
        before: previous.handoffs.escalationsToInternal,
        unit: 'count',
        higherIsBetter: false,
      },
      {
        label: 'Requesters rating "good"',
        now: current.satisfaction.shareGood,
        before: previous.satisfaction.shareGood,
        unit: 'share',
        higherIsBetter: true,
      },
      {
        label: 'Alert tickets',
        now: current.alertQuality.tickets,
        before: previous.alertQuality.tickets,
        unit: 'count',
        higherIsBetter: false,
      },
      {
        label: 'Alert tickets closed without action',
        now: current.alertQuality.closedWithoutActionShare,
        before: previous.alertQuality.closedWithoutActionShare,
        unit: 'share',
        higherIsBetter: false,
      },
      {
        label: 'After-hours tickets left to internal IT',
        now: current.interruptions.afterHoursInternalTickets,
        before: previous.interruptions.afterHoursInternalTickets,
        unit: 'count',
        higherIsBetter: false,
      },
      {
        label: 'P1/P2 pages to internal IT',
        now: current.interruptions.urgentPagesToInternal,
        before: previous.interruptions.urgentPagesToInternal,
        unit: 'count',
        higherIsBetter: false,
      },
      {
        label: 'Team pulse',
        now: current.pulse.mean,
        before: previous.pulse.mean,
        unit: 'score',
        higherIsBetter: true,
      },
    ];
  return candidates
    .flatMap(({ now, before, ...c }) =>
      now === null || before === null || now === before ? [] : [{ ...c, current: now, previous: before }],
    )
    .map((c) => ({
      c,
      weight: Math.abs(c.current - c.previous) / Math.max(Math.abs(c.current), Math.abs(c.previous)),
    }))
    .sort((a, b) => b.weight - a.weight || a.c.label.localeCompare(b.c.label))
    .slice(0, count)
    .map(({ c }) => c);
}

/** Everything a digest shows, computed once for every recipient. */
export interface Digest {
  tenantName: string;
  month: string;
  dashboardUrl: string | null;
  headlines: Headline[];
  changes: Change[];
  report: ReliefReport;
  previous: ReliefReport;
}

export function buildDigest(
  dow: DivisionOfWork,
  current: ReliefReport,
  previous: ReliefReport,
  webUrl?: string,
): Digest {
  return {
    tenantName: dow.name,
    month: current.month,
    dashboardUrl: webUrl ? `${webUrl}/dashboard?month=${current.month}` : null,
    headlines: headlines(current, previous, targetsOf(dow)),
    changes: largestChanges(current, previous),
    report: current,
    previous,
  };
}
