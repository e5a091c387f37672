import {
  type DivisionOfWork,
  type DivisionOfWorkInput,
  parseDivisionOfWork,
} from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { RoutingDecisionSchema } from '@psa/model/ticket';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  decideRouting,
  type RouteInput,
  raisePriority,
  UNRECOGNISED_HANDLE_MINUTES,
  UNRECOGNISED_PRIORITY,
} from '../src/decide.ts';

const dow = parseDivisionOfWork(defaultDivisionOfWork());

/** The default document with one change, parsed. */
function variant(change: (doc: DivisionOfWorkInput) => void): DivisionOfWork {
  const doc = defaultDivisionOfWork();
  change(doc);
  return parseDivisionOfWork(doc);
}

const workload = (doc: DivisionOfWorkInput, id: string) => doc.workloads.find((w) => w.id === id)!;

const BUSINESS = new Date('2026-06-16T10:00:00-04:00'); // Tue 10:00 EDT
const NIGHT = new Date('2026-11-04T03:14:00Z'); // Tue 2026-11-03 22:14 EST

const HARDWARE = { subject: 'Laptop screen cracked', body: 'Dropped my laptop and the screen cracked.' };
const PASSWORD = { subject: 'Locked out', body: 'I got locked out, please reset my password.' };
const VAGUE = { subject: 'help', body: 'it is not working' };

function route(overrides: Partial<RouteInput> = {}): ReturnType<typeof decideRouting> {
  return decideRouting({
    ...HARDWARE,
    requesterEmail: 'pat@acme.example',
    channel: 'email',
    requestedPriority: null,
    receivedAt: BUSINESS,
    internalOpenBacklog: 3,
    dow,
    ...overrides,
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('decideRouting outcome', () => {
  it('carries the workload, its default priority and handle minutes, and a complete routing record', () => {
    const out = route();
    expect(out).toMatchObject({
      owner: 'internal',
      workload: 'hardware',
      priority: 'P3',
      afterHours: false,
      handleMinutes: 45,
    });
    expect(out.routing).toMatchObject({
      rule: 'workload-owner',
      divisionOfWorkVersion: 1,
      runnerUp: null,
      flags: { guardrail: false, vip: false, afterHours: false, overflow: false, triage: false },
    });
    expect(out.routing.confidence).toBeGreaterThan(0.8);
    expect(RoutingDecisionSchema.parse({ ...out.routing, decidedAt: '2026-06-16T14:00:00Z' })).toBeTruthy();
  });

  it('explains itself in sentences a person reads', () => {
    const out = route({ ...PASSWORD });
    expect(out.routing.reasons).toEqual([
      "partner owns 'password-reset' (division of work v1)",
      expect.stringMatching(
        /^recognised 'password-reset' from 'locked out', .*'reset'.* \(confidence 0\.\d\d\)$/,
      ),
      "priority P3, the default for 'password-reset'",
    ]);
  });

  it('names the division-of-work version it used', () => {
    const v7 = variant((d) => {
      d.version = 7;
    });
    const out = route({ ...PASSWORD, dow: v7 });
    expect(out.routing.divisionOfWorkVersion).toBe(7);
    expect(out.routing.reasons[0]).toBe("partner owns 'password-reset' (division of work v7)");
  });

  it('depends on no clock: the wall clock does not change the decision', () => {
    const input = { ...PASSWORD, receivedAt: NIGHT };
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-06-16T12:00:00-04:00'));
    const atNoon = route(input);
    vi.setSystemTime(new Date('2030-01-01T03:00:00Z'));
    expect(route(input)).toEqual(atNoon);
  });

  it('does not modify the division of work it is given', () => {
    const before = structuredClone(dow);
    route({ ...PASSWORD, requesterEmail: 'CEO@acme.example', receivedAt: NIGHT, internalOpenBacklog: 99 });
    expect(dow).toEqual(before);
  });
});

describe('priority', () => {
  it('raises one step and keeps P1 at P1', () => {
    expect(['P1', 'P2', 'P3', 'P4'].map((p) => raisePriority(p as 'P1'))).toEqual(['P1', 'P1', 'P2', 'P3']);
  });

  it('uses an explicitly requested priority over the workload default, in either direction', () => {
    expect(route({ requestedPriority: 'P1' }).priority).toBe('P1');
    expect(route({ ...PASSWORD, requestedPriority: 'P4' }).priority).toBe('P4');
    expect(route({ requestedPriority: 'P1' }).routing.reasons).toContain('priority P1 as requested');
  });

  it("raises a VIP's requested priority one step too", () => {
    const out = route({ requesterEmail: 'cfo@acme.example', requestedPriority: 'P3' });
    expect(out.priority).toBe('P2');
    expect(out.routing.reasons).toContain('VIP requester: priority P3 raised to P2');
  });
});

describe('rule 1: guardrails', () => {
  it('win even when another workload scores higher, and name the runner-up', () => {
    const out = route({
      subject: 'Locked out and password reset needed',
      body: 'Locked out again. Also need budget approval for new headsets.',
    });
    expect(out).toMatchObject({
      owner: 'internal',
      workload: 'purchasing-budget',
      priority: 'P4',
      handleMinutes: 60,
    });
    expect(out.routing.rule).toBe('guardrail');
    expect(out.routing.flags.guardrail).toBe(true);
    expect(out.routing.runnerUp?.workload).toBe('password-reset');
    expect(out.routing.reasons[0]).toBe(
      "'purchasing-budget' is a decision-rights guardrail: internal owns it at any hour (division of work v1)",
    );
    expect(out.routing.reasons[1]).toMatch(/^it also reads as 'password-reset' .*, but the guardrail wins$/);
  });

  it('need reasonable evidence: a passing mention of a project does not fire one', () => {
    const out = route({
      subject: 'Shared mailbox search',
      body: 'Search in the shared mailbox finds nothing for the project.',
    });
    expect(out.routing.flags.guardrail).toBe(false);
    expect(out.workload).toBe('m365-admin');
  });

  it('hold at night, during overflow and for VIPs', () => {
    const out = route({
      subject: 'Need local admin rights',
      body: 'I need admin rights to install a driver.',
      receivedAt: NIGHT,
      internalOpenBacklog: 80,
      requesterEmail: 'ceo@acme.example',
      requestedPriority: 'P2',
    });
    expect(out).toMatchObject({
      owner: 'internal',
      workload: 'security-exception',
      priority: 'P1',
      afterHours: true,
    });
    expect(out.routing.rule).toBe('guardrail');
    expect(out.routing.flags).toEqual({
      guardrail: true,
      vip: true,
      afterHours: true,
      overflow: true,
      triage: false,
    });
    expect(out.routing.reasons).toContain('ceo@acme.example is a VIP requester');
    expect(out.routing.reasons).toContain(
      'received 22:14 America/New_York on Tue 2026-11-03, outside internal hours; guardrails stay internal',
    );
  });
});

describe('rule 2: VIP requesters', () => {
  it('are internal at any hour, with a reason naming the requester', () => {
    const out = route({ ...PASSWORD, requesterEmail: 'ceo@acme.example', receivedAt: NIGHT });
    expect(out).toMatchObject({
      owner: 'internal',
      workload: 'password-reset',
      priority: 'P2',
      afterHours: true,
    });
    expect(out.routing.rule).toBe('vip');
    expect(out.routing.reasons[0]).toBe(
      'ceo@acme.example is a VIP requester: internal owns it at any hour (division of work v1)',
    );
  });

  it('with vague text are internal without a workload, using the unrecognised defaults', () => {
    const out = route({ ...VAGUE, requesterEmail: 'cfo@acme.example' });
    expect(out).toMatchObject({
      owner: 'internal',
      workload: null,
      priority: raisePriority(UNRECOGNISED_PRIORITY),
      handleMinutes: UNRECOGNISED_HANDLE_MINUTES,
    });
    expect(out.routing.rule).toBe('vip');
    expect(out.routing.flags).toMatchObject({ vip: true, triage: true });
  });

  it('come from the document: a custom list replaces the default', () => {
    const custom = variant((d) => {
      d.vipRequesters = ['founder@acme.example'];
    });
    expect(route({ ...PASSWORD, dow: custom, requesterEmail: 'Founder@Acme.example' }).owner).toBe(
      'internal',
    );
    expect(route({ ...PASSWORD, dow: custom, requesterEmail: 'ceo@acme.example' }).owner).toBe('partner');
  });
});

describe('rule 4: after hours', () => {
  it('describes the local time, weekday and holiday in the reason', () => {
    const thanksgiving = route({ requestedPriority: 'P2', receivedAt: new Date('2026-11-26T15:00:00Z') });
    expect(thanksgiving.owner).toBe('partner');
    expect(thanksgiving.routing.reasons).toContain(
      'received 10:00 America/New_York on Thu 2026-11-26, a holiday, outside internal hours; P2 goes to after-hours coverage (partner) (division of work v1)',
    );
    const night = route({ requestedPriority: 'P1', receivedAt: NIGHT });
    expect(night.routing.reasons).toContain(
      'received 22:14 America/New_York on Tue 2026-11-03, outside internal hours; P1 goes to after-hours coverage (partner) (division of work v1)',
    );
  });

  it('tells a P3/P4 ticket that it waits for business hours', () => {
    const out = route({ receivedAt: NIGHT });
    expect(out.owner).toBe('internal');
    expect(out.routing.rule).toBe('workload-owner');
    expect(out.routing.reasons).toContain(
      'received 22:14 America/New_York on Tue 2026-11-03, outside internal hours; P3 stays internal and waits for business hours',
    );
  });

  it("follows a workload's afterHoursOwner instead of the priority default", () => {
    const partnerNights = variant((d) => {
      workload(d, 'hardware').afterHoursOwner = 'partner';
    });
    const p4 = route({ dow: partnerNights, receivedAt: NIGHT, requestedPriority: 'P4' });
    expect(p4).toMatchObject({ owner: 'partner', priority: 'P4' });
    expect(p4.routing.rule).toBe('after-hours');
    expect(route({ dow: partnerNights }).owner).toBe('internal');

    const internalOnCall = variant((d) => {
      workload(d, 'hardware').afterHoursOwner = 'internal';
    });
    const p1 = route({ dow: internalOnCall, receivedAt: NIGHT, requestedPriority: 'P1' });
    expect(p1.owner).toBe('internal');
    expect(p1.routing.reasons).toContain(
      "received 22:14 America/New_York on Tue 2026-11-03, outside internal hours; 'hardware' stays internal after hours",
    );
  });

  it('can take partner-owned work back to internal at night when the document says so', () => {
    const internalNights = variant((d) => {
      workload(d, 'password-reset').afterHoursOwner = 'internal';
    });
    expect(route({ ...PASSWORD, dow: internalNights }).owner).toBe('partner');
    const night = route({ ...PASSWORD, dow: internalNights, receivedAt: NIGHT });
    expect(night.owner).toBe('internal');
    expect(night.routing.rule).toBe('after-hours');
  });

  it('keeps the ticket internal when the partner does not cover that moment either', () => {
    const partnerDaytime = variant((d) => {
      const day: [string, string][] = [['07:00', '20:00']];
      d.partnerCoverage = {
        calendar: {
          timeZone: 'America/New_York',
          hours: { mon: day, tue: day, wed: day, thu: day, fri: day },
          holidays: [],
          recurringHolidays: [],
        },
      };
    });
    const lateNight = route({ dow: partnerDaytime, receivedAt: NIGHT, requestedPriority: 'P1' });
    expect(lateNight.owner).toBe('internal');
    expect(lateNight.routing.reasons).toContain(
      'received 22:14 America/New_York on Tue 2026-11-03, outside internal hours; P1 would go to the partner, but partner coverage is closed then',
    );
    const evening = route({
      dow: partnerDaytime,
      receivedAt: new Date('2026-11-03T18:30:00-05:00'),
      requestedPriority: 'P1',
    });
    expect(evening.owner).toBe('partner');
    expect(evening.routing.rule).toBe('after-hours');
  });
});

describe('rule 5: overflow', () => {
  it('starts strictly above the limit and explains itself', () => {
    expect(route({ internalOpenBacklog: 25 }).owner).toBe('internal');
    const out = route({ internalOpenBacklog: 26 });
    expect(out.owner).toBe('partner');
    expect(out.routing.rule).toBe('overflow');
    expect(out.routing.flags.overflow).toBe(true);
    expect(out.routing.reasons).toContain(
      "internal open backlog 26 exceeds the overflow limit 25: overflow-eligible 'hardware' goes to the partner (division of work v1)",
    );
  });

  it('uses the limit of the document', () => {
    const tight = variant((d) => {
      d.overflowLimit = 10;
    });
    expect(route({ dow: tight, internalOpenBacklog: 10 }).owner).toBe('internal');
    expect(route({ dow: tight, internalOpenBacklog: 11 }).owner).toBe('partner');
  });

  it('leaves internal work that is not overflow-eligible internal, saying why', () => {
    const notEligible = variant((d) => {
      workload(d, 'hardware').overflowEligible = false;
    });
    const out = route({ dow: notEligible, internalOpenBacklog: 40 });
    expect(out.owner).toBe('internal');
    expect(out.routing.rule).toBe('workload-owner');
    expect(out.routing.flags.overflow).toBe(true);
    expect(out.routing.reasons).toContain(
      "internal open backlog 40 exceeds the overflow limit 25, but 'hardware' is not overflow-eligible",
    );
  });
});

describe('rule 6: triage', () => {
  it('sends text without known terms to triage with the documented defaults', () => {
    const out = route({ ...VAGUE });
    expect(out).toMatchObject({
      owner: 'triage',
      workload: null,
      priority: UNRECOGNISED_PRIORITY,
      handleMinutes: UNRECOGNISED_HANDLE_MINUTES,
    });
    expect(out.routing).toMatchObject({ rule: 'triage', confidence: 0, runnerUp: null });
    expect(out.routing.flags.triage).toBe(true);
    expect(out.routing.reasons).toEqual([
      'no workload recognised with confidence of at least 0.50: the partner service desk triages it (division of work v1)',
      'no workload recognised: no known terms, senders or channels matched',
      'priority P3, the default when no workload is recognised',
    ]);
  });

  it('names the best guess and its confidence when it falls short', () => {
    const out = route({ subject: 'Computer problem', body: 'My computer has a problem' });
    expect(out.owner).toBe('triage');
    expect(out.routing.confidence).toBeGreaterThan(0);
    expect(out.routing.confidence).toBeLessThan(dow.triageThreshold);
    expect(out.routing.reasons[1]).toMatch(
      /^best guess 'hardware' from 'computer' has confidence 0\.\d\d, below the triage threshold 0\.50$/,
    );
  });

  it('follows the threshold of the document', () => {
    const strict = variant((d) => {
      d.triageThreshold = 0.99;
    });
    const lenient = variant((d) => {
      d.triageThreshold = 0.2;
    });
    const weak = { subject: 'Computer problem', body: 'My computer has a problem' };
    expect(route({ ...weak, dow: lenient })).toMatchObject({ owner: 'internal', workload: 'hardware' });
    expect(route({ ...PASSWORD, dow: strict }).owner).toBe('triage');
  });
});

describe('every labelled example of the default document', () => {
  it('is decided as its own workload', () => {
    for (const w of dow.workloads) {
      for (const example of w.examples ?? []) {
        const out = route({ subject: example, body: '' });
        expect({ example, workload: out.workload }).toEqual({ example, workload: w.id });
      }
    }
  });
});
