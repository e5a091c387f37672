import type { Targets } from '@psa/model/division-of-work';

/** How a figure stands against its target: at or above it, within this much below it (amber), or further. */
export const AMBER_MARGIN = 0.05;

export type TargetStatus = 'green' | 'amber' | 'red' | 'none';

export function targetStatus(value: number | null | undefined, target: number): TargetStatus {
  if (value === null || value === undefined) return 'none';
  if (value >= target) return 'green';
  return value >= target - AMBER_MARGIN - 1e-9 ? 'amber' : 'red';
}

/** The three figures the division of work sets targets for, each with its status. */
export function againstTargets(
  figures: { partnerShare: number | null; afterHoursAbsorbed: number | null; slaAttainment: number | null },
  targets: Targets,
) {
  return {
    partnerShare: targetStatus(figures.partnerShare, targets.partnerShare),
    afterHoursAbsorbed: targetStatus(figures.afterHoursAbsorbed, targets.afterHoursAbsorbed),
    slaAttainment: targetStatus(figures.slaAttainment, targets.slaAttainment),
  };
}
