import type { DivisionOfWork, Workload } from '@psa/model/division-of-work';
import type { RoutingDecision } from '@psa/model/ticket';
import type { LearnedPrediction } from './learned.ts';
import type { Recognition, WorkloadEvidence } from './recognise.ts';

/**
 * Placement: which workload a ticket is about, from the division of work's rules (recognition)
 * and the tenant's model learned from history. The first placer that places the ticket wins:
 *
 * 1. a guardrail workload whose own rule evidence reaches the triage threshold (even if another
 *    workload scores higher);
 * 2. a guardrail workload the history model is sure of ({@link LEARNED_GUARDRAIL_CONFIDENCE});
 * 3. the workload the rules recognise with enough confidence (the history model agreeing raises
 *    the confidence; disagreeing, it may be the runner-up);
 * 4. the workload the history model alone places with enough confidence;
 * 5. otherwise none: the ticket is unplaced and goes to triage.
 */

/**
 * The history model alone makes a ticket a guardrail matter only when it is this sure: a
 * statistical guess should not take a ticket away from the partner lightly, but it may add
 * caution the rules missed.
 */
export const LEARNED_GUARDRAIL_CONFIDENCE = 0.75;

/** What placement sees: the recognition by the rules and the history model's guess, checked. */
export interface PlacementInput {
  dow: DivisionOfWork;
  byId: ReadonlyMap<string, Workload>;
  recognition: Recognition;
  /** The best candidate of the rules, placed or not. */
  top: WorkloadEvidence | undefined;
  /** The history model's prediction, only when its label maps to a workload of this document. */
  learned: LearnedPrediction | null;
}

/** Which workload a ticket is about, how sure, who came second, and the sentence that says so. */
export interface Placement {
  /** The evidence the decision is about; undefined when unplaced. */
  evidence: WorkloadEvidence | undefined;
  workload: Workload | undefined;
  confidence: number;
  runnerUp: RoutingDecision['runnerUp'];
  /** Placed as a guardrail matter (by the rules or by the history model). */
  guardrail: boolean;
  /** How the placement came about, in words. */
  sentence: string;
}

type Placer = (p: PlacementInput) => Placement | null;

/** Terms as reasons quote them: `'a', 'b' and 3 more`. */
export const quoteList = (terms: readonly string[], max = 5): string => {
  const shown = terms.slice(0, max).map((t) => `'${t}'`);
  const more = terms.length > max ? ` and ${terms.length - max} more` : '';
  return `${shown.join(', ')}${more}`;
};

/** A number as reasons show it. */
export const pct = (n: number): string => n.toFixed(2);

const recognitionReason = (e: WorkloadEvidence, confidence: number): string =>
  `recognised '${e.workload}' from ${quoteList(e.matched)} (confidence ${pct(confidence)})`;

const historySentence = (l: LearnedPrediction): string =>
  `learned from ticket history: label '${l.label}' maps to '${l.workload}' (confidence ${pct(l.confidence)}, model v${l.modelVersion})`;

/** The history model's prediction as evidence (it matched no terms). */
const learnedEvidence = (l: LearnedPrediction): WorkloadEvidence => ({
  workload: l.workload!,
  score: 0,
  strength: l.confidence,
  confidence: l.confidence,
  matched: [],
});

/** Placed by the history model: the rules' best candidate, if another workload, is the runner-up. */
function byHistory(p: PlacementInput, l: LearnedPrediction, guardrail: boolean): Placement {
  const evidence = learnedEvidence(l);
  return {
    evidence,
    workload: p.byId.get(evidence.workload),
    confidence: l.confidence,
    runnerUp:
      p.top && p.top.workload !== l.workload
        ? { workload: p.top.workload, confidence: p.recognition.confidence }
        : null,
    guardrail,
    sentence: historySentence(l),
  };
}

/** The strongest guardrail workload whose own evidence reaches the threshold. */
const guardrailEvidence = (p: PlacementInput): WorkloadEvidence | undefined =>
  p.recognition.candidates
    .filter((c) => p.byId.get(c.workload)?.guardrail && c.strength >= p.dow.triageThreshold)
    .sort((a, b) => b.strength - a.strength)[0];

/** 1. A guardrail the rules recognise, by its own strength (the runner-up: any other candidate). */
const guardrailByRules: Placer = (p) => {
  const hit = guardrailEvidence(p);
  if (!hit) return null;
  const { recognition, top } = p;
  const confidence = hit === top ? recognition.confidence : hit.strength;
  const other = recognition.candidates.find((c) => c !== hit);
  return {
    evidence: hit,
    workload: p.byId.get(hit.workload),
    confidence,
    runnerUp: other
      ? { workload: other.workload, confidence: other === top ? recognition.confidence : other.confidence }
      : null,
    guardrail: true,
    sentence: recognitionReason(hit, confidence),
  };
};

/** 2. A guardrail the history model is sure of. */
const guardrailByHistory: Placer = (p) => {
  const l = p.learned;
  const sure = Math.max(p.dow.triageThreshold, LEARNED_GUARDRAIL_CONFIDENCE);
  if (!l || !p.byId.get(l.workload!)?.guardrail || l.confidence < sure) return null;
  return byHistory(p, l, true);
};

/** 3. What the rules recognise; the history model agreeing combines, disagreeing may come second. */
const recognisedByRules: Placer = (p) => {
  const { recognition, top, learned: l } = p;
  if (!top || recognition.confidence < p.dow.triageThreshold) return null;
  const placed = {
    evidence: top,
    workload: p.byId.get(top.workload),
    confidence: recognition.confidence,
    runnerUp: recognition.runnerUp,
    guardrail: false,
    sentence: recognitionReason(top, recognition.confidence),
  };
  if (l && l.workload === top.workload && l.confidence >= p.dow.triageThreshold) {
    // Two independent sources agreeing: the chance both are wrong is the product of their errors.
    const confidence = 1 - (1 - recognition.confidence) * (1 - l.confidence);
    return {
      ...placed,
      confidence,
      sentence: `${placed.sentence}; the history model agrees (label '${l.label}', ${pct(l.confidence)}), combined confidence ${pct(confidence)}`,
    };
  }
  if (l && l.workload !== top.workload && (!placed.runnerUp || l.confidence > placed.runnerUp.confidence)) {
    return { ...placed, runnerUp: { workload: l.workload!, confidence: l.confidence } };
  }
  return placed;
};

/** 4. What the history model alone places with enough confidence. */
const placedByHistory: Placer = (p) =>
  p.learned && p.learned.confidence >= p.dow.triageThreshold ? byHistory(p, p.learned, false) : null;

/** The placers in precedence order: the first that places the ticket wins. */
export const PLACERS: readonly Placer[] = [
  guardrailByRules,
  guardrailByHistory,
  recognisedByRules,
  placedByHistory,
];

/** 5. Unplaced: the best guess (if any) and why it falls short. */
function unplaced(p: PlacementInput): Placement {
  const { recognition, top } = p;
  const close = recognition.runnerUp
    ? `, close to '${recognition.runnerUp.workload}' (${pct(recognition.runnerUp.confidence)})`
    : '';
  return {
    evidence: undefined,
    workload: undefined,
    confidence: Math.max(recognition.confidence, p.learned?.confidence ?? 0),
    runnerUp: recognition.runnerUp,
    guardrail: false,
    sentence: top
      ? `best guess '${top.workload}' from ${quoteList(top.matched)} has confidence ${pct(recognition.confidence)}${close}, below the triage threshold ${pct(p.dow.triageThreshold)}`
      : 'no workload recognised: no known terms, senders or channels matched',
  };
}

/** Which workload the ticket is about: the first placer that places it, else unplaced. */
export function place(p: PlacementInput): Placement {
  for (const placer of PLACERS) {
    const placed = placer(p);
    if (placed) return placed;
  }
  return unplaced(p);
}
