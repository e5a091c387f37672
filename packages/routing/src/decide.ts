import { instantToWallClock, isBusinessTime, isHoliday } from '@psa/calendar/business-time';
import type { DivisionOfWork, Workload } from '@psa/model/division-of-work';
import type { Channel, Owner, Priority, RoutingDecision, RoutingRule } from '@psa/model/ticket';
import type { LearnedPrediction } from './learned.ts';
import { type Placement, pct, place, quoteList } from './placement.ts';
import { recognise, type WorkloadEvidence } from './recognise.ts';

/**
 * Applies the division of work to one ticket. Pure: no clock, no I/O; the same input always
 * gives the same outcome.
 *
 * First placement (placement.ts): which workload the ticket is about, from the rules and the
 * history model. Then the owner, by {@link ROUTING_RULES} in precedence order (DESIGN.md
 * "Division of work"): guardrail, VIP and triage decide outright; otherwise the workload's owner
 * takes it, refined by after hours and then overflow. Every rule that applies adds its sentences
 * to the reasons, a refinement that leaves the owner as it was too ("stays internal and waits
 * for business hours").
 *
 * Priority: the requested priority (requester or alert severity) if given, else the workload
 * default, else {@link UNRECOGNISED_PRIORITY}; a VIP's is then raised one step (P1 stays P1).
 *
 * `routing.flags` record conditions, independent of which rule fired: `guardrail` (a guardrail
 * workload was recognised), `vip` (the requester is a VIP), `afterHours` (received outside the
 * internal calendar), `overflow` (the internal backlog exceeded the limit), `triage` (no
 * workload reached the triage threshold and no guardrail fired).
 */

export { LEARNED_GUARDRAIL_CONFIDENCE } from './placement.ts';

/** Priority of a ticket whose workload is not recognised and that asks for none. */
export const UNRECOGNISED_PRIORITY: Priority = 'P3';
/**
 * Handle minutes of a ticket whose workload is not recognised: the partner service desk's time
 * to triage it and hand it on (also used for a VIP ticket of no recognised workload).
 */
export const UNRECOGNISED_HANDLE_MINUTES = 15;

export interface RouteInput {
  subject: string;
  body: string;
  requesterEmail: string;
  channel: Channel;
  requestedPriority: Priority | null;
  receivedAt: Date;
  /** Internal open tickets when this one arrived (excluding it). */
  internalOpenBacklog: number;
  dow: DivisionOfWork;
  /** The tenant's model learned from labelled history, when it has one. */
  learned?: LearnedPrediction | null;
}

export interface RouteOutcome {
  owner: Owner;
  workload: string | null;
  priority: Priority;
  afterHours: boolean;
  handleMinutes: number;
  routing: Omit<RoutingDecision, 'decidedAt'>;
}

const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];

/** One step more urgent (P4 -> P3 ... P1 stays P1). */
export const raisePriority = (p: Priority): Priority => PRIORITIES[Math.max(0, PRIORITIES.indexOf(p) - 1)]!;

const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** "22:14 America/New_York on Tue 2026-11-03" */
function describeLocalTime(timeZone: string, at: Date): string {
  const { date, time } = instantToWallClock(timeZone, at);
  const weekday = WEEKDAY_NAMES[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
  return `${time.slice(0, 5)} ${timeZone} on ${weekday} ${date}`;
}

/**
 * The owner rules in precedence order: the ticket's routing at a glance. A `final` rule that
 * applies ends the decision; the others refine the ruling so far, each adding its sentences.
 */
export const ROUTING_RULES: readonly { rule: RoutingRule; final: boolean; apply: Rule }[] = [
  // Placed as a guardrail workload: internal, at any hour, for anyone.
  { rule: 'guardrail', final: true, apply: guardrail },
  // A VIP requester: internal, at any hour.
  { rule: 'vip', final: true, apply: vip },
  // No workload placed with enough confidence: the partner service desk triages it.
  { rule: 'triage', final: true, apply: triage },
  // The workload's owner...
  { rule: 'workload-owner', final: false, apply: workloadOwner },
  // ...outside internal hours: afterHoursOwner, or an internal P1/P2 to the partner's cover...
  { rule: 'after-hours', final: false, apply: afterHours },
  // ...and while the internal backlog is over the limit: overflow-eligible work to the partner.
  { rule: 'overflow', final: false, apply: overflow },
];

/** What every rule reads about the ticket, worked out once. */
interface Facts {
  input: RouteInput;
  dow: DivisionOfWork;
  /** "division of work v3", as the reasons cite it. */
  cited: string;
  placement: Placement;
  /** The rules' best candidate (placed or not). */
  top: WorkloadEvidence | undefined;
  requester: string;
  vip: boolean;
  afterHours: boolean;
  /** "received 22:14 America/New_York on Tue 2026-11-03, outside internal hours". */
  outside: string;
  overflowInForce: boolean;
  priority: Priority;
}

/** Who owns the ticket so far, by which rule, and why. */
interface Ruling {
  owner: Owner;
  rule: RoutingRule;
  reasons: string[];
}

/**
 * A rule reads the facts and the ruling so far (null before any rule applied) and answers null
 * when it does not apply, else the owner and rule it leaves and the sentences it adds.
 */
type Rule = (f: Facts, sofar: Ruling | null) => Ruling | null;

/** Placed as a guardrail workload: internal at any hour, whoever asks and whatever else it reads as. */
function guardrail(f: Facts): Ruling | null {
  const { placement: p, top } = f;
  if (!p.guardrail || !p.workload) return null;
  return {
    owner: 'internal',
    rule: 'guardrail',
    reasons: [
      `'${p.workload.id}' is a decision-rights guardrail: internal owns it at any hour (${f.cited})`,
      ...(top && top !== p.evidence
        ? [`it also reads as '${top.workload}' (${quoteList(top.matched, 3)}), but the guardrail wins`]
        : []),
      p.sentence,
      ...(f.vip ? [`${f.requester} is a VIP requester`] : []),
      ...(f.afterHours ? [`${f.outside}; guardrails stay internal`] : []),
    ],
  };
}

/** A VIP requester: internal at any hour. */
function vip(f: Facts): Ruling | null {
  if (!f.vip) return null;
  return {
    owner: 'internal',
    rule: 'vip',
    reasons: [
      `${f.requester} is a VIP requester: internal owns it at any hour (${f.cited})`,
      f.placement.sentence,
      ...(f.afterHours ? [`${f.outside}; VIP tickets stay internal`] : []),
    ],
  };
}

/** No workload placed: the partner service desk triages it. */
function triage(f: Facts): Ruling | null {
  if (f.placement.workload) return null;
  return {
    owner: 'triage',
    rule: 'triage',
    reasons: [
      `no workload recognised with confidence of at least ${pct(f.dow.triageThreshold)}: the partner service desk triages it (${f.cited})`,
      f.placement.sentence,
      ...(f.afterHours ? [f.outside] : []),
    ],
  };
}

/** The workload's owner, as the division of work assigns it. */
function workloadOwner(f: Facts): Ruling | null {
  const w = f.placement.workload;
  if (!w) return null;
  return {
    owner: w.owner,
    rule: 'workload-owner',
    reasons: [`${w.owner} owns '${w.id}' (${f.cited})`, f.placement.sentence],
  };
}

/**
 * Outside internal hours: the workload's `afterHoursOwner` when set (to the partner only if the
 * partner covers that moment); else an internal P1/P2 goes to the partner's after-hours cover
 * and a P3/P4 waits for business hours. Partner-owned work stays with the partner.
 */
function afterHours(f: Facts, sofar: Ruling | null): Ruling | null {
  const w = f.placement.workload;
  if (!sofar || !w || !f.afterHours) return null;
  const { outside, priority, cited } = f;
  const stays = (reason: string): Ruling => ({ ...sofar, reasons: [reason] });
  const moves = (owner: Owner, reason: string): Ruling => ({ owner, rule: 'after-hours', reasons: [reason] });
  const partnerCovers = () => isBusinessTime(f.dow.partnerCoverage.calendar, f.input.receivedAt);

  if (w.afterHoursOwner && w.afterHoursOwner !== sofar.owner) {
    if (w.afterHoursOwner === 'partner' && !partnerCovers()) {
      return stays(`${outside}; partner coverage is closed then, so it stays internal`);
    }
    return moves(
      w.afterHoursOwner,
      `${outside}; '${w.id}' goes to ${w.afterHoursOwner} after hours (${cited})`,
    );
  }
  if (w.afterHoursOwner) return stays(`${outside}; '${w.id}' stays ${sofar.owner} after hours`);
  if (sofar.owner === 'partner') {
    return stays(`${outside}; partner-owned work stays with the partner at any hour`);
  }
  if (priority === 'P1' || priority === 'P2') {
    return partnerCovers()
      ? moves('partner', `${outside}; ${priority} goes to after-hours coverage (partner) (${cited})`)
      : stays(`${outside}; ${priority} would go to the partner, but partner coverage is closed then`);
  }
  return stays(`${outside}; ${priority} stays internal and waits for business hours`);
}

/** While the internal backlog exceeds `overflowLimit`, overflow-eligible internal work goes to the partner. */
function overflow(f: Facts, sofar: Ruling | null): Ruling | null {
  const w = f.placement.workload;
  if (!sofar || !w || sofar.owner !== 'internal' || !f.overflowInForce) return null;
  const over = `internal open backlog ${f.input.internalOpenBacklog} exceeds the overflow limit ${f.dow.overflowLimit}`;
  return w.overflowEligible
    ? {
        owner: 'partner',
        rule: 'overflow',
        reasons: [`${over}: overflow-eligible '${w.id}' goes to the partner (${f.cited})`],
      }
    : { ...sofar, reasons: [`${over}, but '${w.id}' is not overflow-eligible`] };
}

function applyRules(f: Facts): Ruling {
  let sofar: Ruling | null = null;
  for (const { apply, final } of ROUTING_RULES) {
    const next = apply(f, sofar);
    if (!next) continue;
    const before: string[] = sofar ? sofar.reasons : [];
    sofar = { ...next, reasons: [...before, ...next.reasons] };
    if (final) break;
  }
  // workload-owner applies whenever triage does not: some rule always rules.
  return sofar!;
}

/** The requested priority, else the workload default, else the unrecognised one; a VIP's one step higher. */
function priorityOf(input: RouteInput, workload: Workload | undefined, isVip: boolean) {
  const base = input.requestedPriority ?? workload?.defaultPriority ?? UNRECOGNISED_PRIORITY;
  const priority = isVip ? raisePriority(base) : base;
  const reason = isVip
    ? `VIP requester: priority ${base} raised to ${priority}`
    : input.requestedPriority
      ? `priority ${priority} as requested`
      : workload
        ? `priority ${priority}, the default for '${workload.id}'`
        : `priority ${priority}, the default when no workload is recognised`;
  return { priority, reason };
}

/** Applies the division of work to one ticket. */
export function decideRouting(input: RouteInput): RouteOutcome {
  const { dow } = input;
  const byId = new Map<string, Workload>(dow.workloads.map((w) => [w.id, w]));
  const recognition = recognise(
    { subject: input.subject, body: input.body, senderEmail: input.requesterEmail, channel: input.channel },
    dow.workloads,
  );
  const top = recognition.candidates[0];
  // The history model, in workload terms (a label that maps to no workload says nothing here).
  const learned = input.learned?.workload && byId.has(input.learned.workload) ? input.learned : null;
  const placement = place({ dow, byId, recognition, top, learned });

  const requester = input.requesterEmail.trim().toLowerCase();
  const isVip = dow.vipRequesters.includes(requester);
  const isAfterHours = !isBusinessTime(dow.internalCalendar, input.receivedAt);
  const holiday = isAfterHours && isHoliday(dow.internalCalendar, input.receivedAt) ? ', a holiday' : '';
  const when = describeLocalTime(dow.internalCalendar.timeZone, input.receivedAt);
  const overflowInForce = input.internalOpenBacklog > dow.overflowLimit;
  const { priority, reason: priorityReason } = priorityOf(input, placement.workload, isVip);

  const ruling = applyRules({
    input,
    dow,
    cited: `division of work v${dow.version}`,
    placement,
    top,
    requester,
    vip: isVip,
    afterHours: isAfterHours,
    outside: `received ${when}${holiday}, outside internal hours`,
    overflowInForce,
    priority,
  });

  return {
    owner: ruling.owner,
    workload: placement.workload?.id ?? null,
    priority,
    afterHours: isAfterHours,
    handleMinutes: placement.workload?.handleMinutes ?? UNRECOGNISED_HANDLE_MINUTES,
    routing: {
      rule: ruling.rule,
      reasons: [...ruling.reasons, priorityReason],
      confidence: Math.min(1, Math.max(0, placement.confidence)),
      divisionOfWorkVersion: dow.version,
      runnerUp: placement.runnerUp,
      flags: {
        guardrail: placement.guardrail,
        vip: isVip,
        afterHours: isAfterHours,
        overflow: overflowInForce,
        triage: !placement.workload,
      },
    },
  };
}
