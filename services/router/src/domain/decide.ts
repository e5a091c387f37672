import { instantToWallClock, isBusinessTime, isHoliday } from '@psa/calendar/business-time';
import type { DivisionOfWork, Workload } from '@psa/model/division-of-work';
import type { Channel, Owner, Priority, RoutingDecision, RoutingRule } from '@psa/model/ticket';
import type { LearnedPrediction } from './learned.ts';
import { type Recognition, recognise, type WorkloadEvidence } from './recognise.ts';

/**
 * Applies the division of work to one ticket. Pure: no clock, no I/O; the same input always
 * gives the same outcome.
 *
 * Rules, in precedence order (DESIGN.md "Division of work"):
 * 1. guardrail: any guardrail workload whose own evidence strength reaches the triage threshold
 *    (even if another workload scores higher) makes the ticket internal, at any hour;
 * 2. vip: VIP requesters are internal at any hour, priority one step higher;
 *    (without a workload recognised with enough confidence the remaining rules cannot apply:
 *    rule 6, triage, decides);
 * 3. workload-owner: the workload's owner;
 * 4. after-hours: outside the internal calendar, an internal-owned non-guardrail P1/P2 goes to
 *    the partner (if the partner covers that moment); P3/P4 stay internal. A workload's
 *    `afterHoursOwner`, when set, replaces this default;
 * 5. overflow: while the internal open backlog exceeds `overflowLimit`, overflow-eligible
 *    workloads still internal go to the partner;
 * 6. triage: below the triage threshold, owner `triage`.
 *
 * Priority: the requested priority (requester or alert severity) if given, else the workload
 * default, else {@link UNRECOGNISED_PRIORITY}; a VIP's is then raised one step (P1 stays P1).
 *
 * `routing.flags` record conditions, independent of which rule fired: `guardrail` (a guardrail
 * workload was recognised), `vip` (the requester is a VIP), `afterHours` (received outside the
 * internal calendar), `overflow` (the internal backlog exceeded the limit), `triage` (no
 * workload reached the triage threshold and no guardrail fired).
 */

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

/**
 * The history model alone makes a ticket a guardrail matter only when it is this sure: a
 * statistical guess should not take a ticket away from the partner lightly, but it may add
 * caution the rules missed.
 */
export const LEARNED_GUARDRAIL_CONFIDENCE = 0.75;

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

const quoteList = (terms: readonly string[], max = 5): string => {
  const shown = terms.slice(0, max).map((t) => `'${t}'`);
  const more = terms.length > max ? ` and ${terms.length - max} more` : '';
  return `${shown.join(', ')}${more}`;
};

const pct = (n: number): string => n.toFixed(2);

function recognitionReason(e: WorkloadEvidence, confidence: number): string {
  return `recognised '${e.workload}' from ${quoteList(e.matched)} (confidence ${pct(confidence)})`;
}

/** Applies the division of work to one ticket. */
export function decideRouting(input: RouteInput): RouteOutcome {
  const { dow } = input;
  const v = `division of work v${dow.version}`;
  const threshold = dow.triageThreshold;
  const byId = new Map<string, Workload>(dow.workloads.map((w) => [w.id, w]));

  const recognition: Recognition = recognise(
    { subject: input.subject, body: input.body, senderEmail: input.requesterEmail, channel: input.channel },
    dow.workloads,
  );

  const requester = input.requesterEmail.trim().toLowerCase();
  const vip = dow.vipRequesters.includes(requester);
  const afterHours = !isBusinessTime(dow.internalCalendar, input.receivedAt);
  const overflowInForce = input.internalOpenBacklog > dow.overflowLimit;

  // Rule 1 input: the strongest guardrail workload whose own evidence reaches the threshold.
  const guardrailHit = recognition.candidates
    .filter((c) => byId.get(c.workload)?.guardrail && c.strength >= threshold)
    .sort((a, b) => b.strength - a.strength)[0];

  const top = recognition.candidates[0];
  const recognised = top && recognition.confidence >= threshold ? top : undefined;

  // The history model, in workload terms (a label that maps to no workload says nothing here).
  const learned = input.learned?.workload && byId.has(input.learned.workload) ? input.learned : null;
  const learnedStrong = learned !== null && learned.confidence >= threshold;
  const learnedGuardrail =
    !guardrailHit &&
    learned !== null &&
    Boolean(byId.get(learned.workload!)?.guardrail) &&
    learned.confidence >= Math.max(threshold, LEARNED_GUARDRAIL_CONFIDENCE);
  const learnedEvidence = (l: LearnedPrediction): WorkloadEvidence => ({
    workload: l.workload!,
    score: 0,
    strength: l.confidence,
    confidence: l.confidence,
    matched: [],
  });

  // The workload the decision is about, and its confidence and runner-up.
  let evidence: WorkloadEvidence | undefined;
  let confidence: number;
  let runnerUp: RouteOutcome['routing']['runnerUp'];
  let source: 'rules' | 'history' | 'both' = 'rules';
  if (guardrailHit) {
    evidence = guardrailHit;
    confidence = guardrailHit === top ? recognition.confidence : guardrailHit.strength;
    const other = recognition.candidates.find((c) => c !== guardrailHit);
    runnerUp = other
      ? { workload: other.workload, confidence: other === top ? recognition.confidence : other.confidence }
      : null;
  } else if (learnedGuardrail && learned) {
    evidence = learnedEvidence(learned);
    confidence = learned.confidence;
    source = 'history';
    runnerUp =
      top && top.workload !== learned.workload
        ? { workload: top.workload, confidence: recognition.confidence }
        : null;
  } else if (recognised) {
    evidence = recognised;
    confidence = recognition.confidence;
    runnerUp = recognition.runnerUp;
    if (learnedStrong && learned.workload === recognised.workload) {
      // Two independent sources agreeing: the chance both are wrong is the product of their errors.
      confidence = 1 - (1 - confidence) * (1 - learned.confidence);
      source = 'both';
    } else if (
      learned &&
      learned.workload !== recognised.workload &&
      (!runnerUp || learned.confidence > runnerUp.confidence)
    ) {
      runnerUp = { workload: learned.workload!, confidence: learned.confidence };
    }
  } else if (learnedStrong && learned) {
    evidence = learnedEvidence(learned);
    confidence = learned.confidence;
    source = 'history';
    runnerUp =
      top && top.workload !== learned.workload
        ? { workload: top.workload, confidence: recognition.confidence }
        : null;
  } else {
    evidence = undefined;
    confidence = Math.max(recognition.confidence, learned?.confidence ?? 0);
    runnerUp = recognition.runnerUp;
  }
  const workload = evidence ? byId.get(evidence.workload) : undefined;
  const triage = !workload;

  // Priority.
  const basePriority = input.requestedPriority ?? workload?.defaultPriority ?? UNRECOGNISED_PRIORITY;
  const priority = vip ? raisePriority(basePriority) : basePriority;
  const priorityReason = vip
    ? `VIP requester: priority ${basePriority} raised to ${priority}`
    : input.requestedPriority
      ? `priority ${priority} as requested`
      : workload
        ? `priority ${priority}, the default for '${workload.id}'`
        : `priority ${priority}, the default when no workload is recognised`;

  // Supporting sentences.
  const when = describeLocalTime(dow.internalCalendar.timeZone, input.receivedAt);
  const holiday = afterHours && isHoliday(dow.internalCalendar, input.receivedAt) ? ', a holiday' : '';
  const outside = `received ${when}${holiday}, outside internal hours`;
  const historySentence = (l: LearnedPrediction) =>
    `learned from ticket history: label '${l.label}' maps to '${l.workload}' (confidence ${pct(l.confidence)}, model v${l.modelVersion})`;
  const recognitionSentence = (): string => {
    if (evidence && source === 'history' && learned) return historySentence(learned);
    if (evidence && source === 'both' && learned) {
      return `${recognitionReason(evidence, recognition.confidence)}; the history model agrees (label '${learned.label}', ${pct(learned.confidence)}), combined confidence ${pct(confidence)}`;
    }
    if (evidence) return recognitionReason(evidence, confidence);
    if (!top) return 'no workload recognised: no known terms, senders or channels matched';
    const close = recognition.runnerUp
      ? `, close to '${recognition.runnerUp.workload}' (${pct(recognition.runnerUp.confidence)})`
      : '';
    return `best guess '${top.workload}' from ${quoteList(top.matched)} has confidence ${pct(recognition.confidence)}${close}, below the triage threshold ${pct(threshold)}`;
  };

  let owner: Owner;
  let rule: RoutingRule;
  const reasons: string[] = [];

  if ((guardrailHit || learnedGuardrail) && workload) {
    owner = 'internal';
    rule = 'guardrail';
    reasons.push(`'${workload.id}' is a decision-rights guardrail: internal owns it at any hour (${v})`);
    if (top && top !== guardrailHit) {
      reasons.push(
        `it also reads as '${top.workload}' (${quoteList(top.matched, 3)}), but the guardrail wins`,
      );
    }
    reasons.push(recognitionSentence());
    if (vip) reasons.push(`${requester} is a VIP requester`);
    if (afterHours) reasons.push(`${outside}; guardrails stay internal`);
  } else if (vip) {
    owner = 'internal';
    rule = 'vip';
    reasons.push(`${requester} is a VIP requester: internal owns it at any hour (${v})`);
    reasons.push(recognitionSentence());
    if (afterHours) reasons.push(`${outside}; VIP tickets stay internal`);
  } else if (!workload) {
    owner = 'triage';
    rule = 'triage';
    reasons.push(
      `no workload recognised with confidence of at least ${pct(threshold)}: the partner service desk triages it (${v})`,
    );
    reasons.push(recognitionSentence());
    if (afterHours) reasons.push(outside);
  } else {
    owner = workload.owner;
    rule = 'workload-owner';
    reasons.push(`${workload.owner} owns '${workload.id}' (${v})`);
    reasons.push(recognitionSentence());

    if (afterHours) {
      const partnerCovers = isBusinessTime(dow.partnerCoverage.calendar, input.receivedAt);
      if (workload.afterHoursOwner && workload.afterHoursOwner !== workload.owner) {
        if (workload.afterHoursOwner === 'partner' && !partnerCovers) {
          reasons.push(`${outside}; partner coverage is closed then, so it stays internal`);
        } else {
          owner = workload.afterHoursOwner;
          rule = 'after-hours';
          reasons.push(`${outside}; '${workload.id}' goes to ${owner} after hours (${v})`);
        }
      } else if (workload.afterHoursOwner) {
        reasons.push(`${outside}; '${workload.id}' stays ${owner} after hours`);
      } else if (workload.owner === 'partner') {
        reasons.push(`${outside}; partner-owned work stays with the partner at any hour`);
      } else if (priority === 'P1' || priority === 'P2') {
        if (partnerCovers) {
          owner = 'partner';
          rule = 'after-hours';
          reasons.push(`${outside}; ${priority} goes to after-hours coverage (partner) (${v})`);
        } else {
          reasons.push(
            `${outside}; ${priority} would go to the partner, but partner coverage is closed then`,
          );
        }
      } else {
        reasons.push(`${outside}; ${priority} stays internal and waits for business hours`);
      }
    }

    if (owner === 'internal' && overflowInForce) {
      if (workload.overflowEligible) {
        owner = 'partner';
        rule = 'overflow';
        reasons.push(
          `internal open backlog ${input.internalOpenBacklog} exceeds the overflow limit ${dow.overflowLimit}: overflow-eligible '${workload.id}' goes to the partner (${v})`,
        );
      } else {
        reasons.push(
          `internal open backlog ${input.internalOpenBacklog} exceeds the overflow limit ${dow.overflowLimit}, but '${workload.id}' is not overflow-eligible`,
        );
      }
    }
  }
  reasons.push(priorityReason);

  return {
    owner,
    workload: workload?.id ?? null,
    priority,
    afterHours,
    handleMinutes: workload?.handleMinutes ?? UNRECOGNISED_HANDLE_MINUTES,
    routing: {
      rule,
      reasons,
      confidence: Math.min(1, Math.max(0, confidence)),
      divisionOfWorkVersion: dow.version,
      runnerUp,
      flags: {
        guardrail: Boolean(guardrailHit || learnedGuardrail),
        vip,
        afterHours,
        overflow: overflowInForce,
        triage,
      },
    },
  };
}
