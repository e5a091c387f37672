import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { ValidationError } from '@psa/model/errors';
import { describe, expect, it } from 'vitest';
import { decideRouting, type RouteInput } from '../src/decide.ts';
import { type LearnedPrediction, resolveLabelMap } from '../src/learned.ts';

const dow = DivisionOfWorkSchema.parse(defaultDivisionOfWork());

const base: RouteInput = {
  subject: 'Question',
  body: 'hello, please see below',
  requesterEmail: 'pat@acme.example',
  channel: 'web',
  requestedPriority: null,
  receivedAt: new Date('2026-11-03T15:00:00Z'), // Tuesday 10:00 in New York
  internalOpenBacklog: 0,
  dow,
};
const learned = (workload: string | null, confidence: number, label = 'L'): LearnedPrediction => ({
  workload,
  label,
  confidence,
  runnerUp: null,
  modelVersion: 3,
});

describe('mapping history labels to workloads', () => {
  it('takes the explicit map, then workload ids, and leaves other labels unrouted', () => {
    expect(resolveLabelMap(['Hardware', 'password-reset', 'Odd'], dow, { Hardware: 'hardware' })).toEqual({
      Hardware: 'hardware',
      'password-reset': 'password-reset',
      Odd: null,
    });
  });

  it('refuses a map to a workload the division of work does not have, naming the label', () => {
    expect(() => resolveLabelMap(['Hardware'], dow, { Hardware: 'toasters' })).toThrow(ValidationError);
    try {
      resolveLabelMap(['Hardware'], dow, { Hardware: 'toasters' });
    } catch (err) {
      expect((err as ValidationError).issues[0]?.path).toBe('labelMap.Hardware');
    }
  });
});

describe('routing with the model learned from history beside the rules', () => {
  it('routes a ticket the rules cannot place by the history model, and says so', () => {
    const out = decideRouting({ ...base, learned: learned('hardware', 0.9, 'Hardware') });
    expect([out.owner, out.workload, out.routing.rule, out.routing.flags.triage]).toEqual([
      'internal',
      'hardware',
      'workload-owner',
      false,
    ]);
    expect(out.routing.reasons.join(' ')).toContain(
      "learned from ticket history: label 'Hardware' maps to 'hardware'",
    );
    expect(out.routing.confidence).toBe(0.9);
  });

  it('still triages when neither the rules nor the model are confident', () => {
    const out = decideRouting({ ...base, learned: learned('hardware', 0.3) });
    expect(out.owner).toBe('triage');
  });

  it('raises the confidence when the model agrees with the rules', () => {
    const ticket = { ...base, subject: 'Locked out', body: 'I forgot my password and I am locked out' };
    const alone = decideRouting(ticket);
    const agreed = decideRouting({ ...ticket, learned: learned('password-reset', 0.8) });
    expect(agreed.workload).toBe('password-reset');
    expect(agreed.routing.confidence).toBeGreaterThan(alone.routing.confidence);
    expect(agreed.routing.confidence).toBeCloseTo(1 - (1 - alone.routing.confidence) * 0.2, 6);
  });

  it('lets the division of work’s rules win a disagreement and reports the model as runner-up', () => {
    const out = decideRouting({
      ...base,
      subject: 'Locked out',
      body: 'I forgot my password and I am locked out',
      learned: learned('hardware', 0.97),
    });
    expect(out.workload).toBe('password-reset');
    expect(out.routing.runnerUp).toEqual({ workload: 'hardware', confidence: 0.97 });
  });

  it('makes a ticket internal when the model is very sure it is a guardrail matter, but not on a weak guess', () => {
    const vague = { ...base, subject: 'wifi', body: 'the wifi is slow' };
    const sure = decideRouting({ ...vague, learned: learned('purchasing-budget', 0.9) });
    expect([sure.owner, sure.routing.rule, sure.routing.flags.guardrail]).toEqual([
      'internal',
      'guardrail',
      true,
    ]);
    const unsure = decideRouting({ ...vague, learned: learned('purchasing-budget', 0.6) });
    expect(unsure.owner).toBe('partner');
  });
});
