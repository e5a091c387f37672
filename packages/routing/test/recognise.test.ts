import { parseDivisionOfWork, type Workload, WorkloadSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { describe, expect, it } from 'vitest';
import {
  CHANNEL_BONUS,
  competitionFactor,
  normalise,
  QUOTED_FACTOR,
  type RecogniseInput,
  recognise,
  SENDER_WEIGHT,
  SUBJECT_FACTOR,
  senderPatternToRegExp,
  splitQuoted,
  stem,
  strengthOf,
} from '../src/recognise.ts';

const dow = parseDivisionOfWork(defaultDivisionOfWork());

const ticket = (subject: string, body = '', extra: Partial<RecogniseInput> = {}): RecogniseInput => ({
  subject,
  body,
  senderEmail: 'sam.user@acme.example',
  channel: 'email',
  ...extra,
});

/** Two small workloads with round weights, so scores are easy to reason about. */
const toy: Workload[] = [
  WorkloadSchema.parse({
    id: 'alpha',
    description: 'alpha things',
    owner: 'partner',
    defaultPriority: 'P3',
    handleMinutes: 10,
    recognise: {
      keywords: [{ term: 'widget', weight: 2 }],
      phrases: [{ term: 'widget broken', weight: 2 }],
      senders: ['*@widgets.example'],
    },
  }),
  WorkloadSchema.parse({
    id: 'beta',
    description: 'beta things',
    owner: 'internal',
    defaultPriority: 'P4',
    handleMinutes: 10,
    recognise: {
      keywords: [{ term: 'gadget', weight: 2 }],
      phrases: [],
      channels: ['api'],
    },
  }),
  WorkloadSchema.parse({
    id: 'gamma',
    description: 'gamma things',
    owner: 'internal',
    defaultPriority: 'P4',
    handleMinutes: 10,
    recognise: { keywords: [{ term: 'gizmo', weight: 2 }] },
  }),
];

describe('normalise', () => {
  it('lower-cases and drops punctuation and accents', () => {
    expect(normalise('VPN!!! Not   connecting... (Café)')).toEqual(['vpn', 'not', 'connect', 'caf']);
  });

  it('joins contractions and treats "cannot" and "can not" like "can\'t"', () => {
    expect(normalise("I can't")).toEqual(normalise('I cannot'));
    expect(normalise('I can not')).toEqual(normalise('I can’t'));
  });

  it('makes plurals and inflections agree', () => {
    expect(normalise('updates')).toEqual(normalise('update'));
    expect(normalise('updating')).toEqual(normalise('updated'));
    expect(normalise('printers')).toEqual(normalise('printer'));
    expect(normalise('policies')).toEqual(normalise('policy'));
    expect(normalise('patches')).toEqual(normalise('patching'));
    expect(normalise('dropping')).toEqual(normalise('drops'));
    expect(normalise('jammed')).toEqual(normalise('jam'));
    expect(normalise('logged')).toEqual(normalise('log'));
  });

  it('keeps words the stemmer would confuse apart', () => {
    expect(normalise('monitoring')).not.toEqual(normalise('monitor'));
    expect(normalise('access')).toEqual(['access']);
    expect(normalise('virus')).toEqual(['virus']);
    expect(normalise('0x800f081f 2fa m365')).toEqual(['0x800f081f', '2fa', 'm365']);
  });

  it('joins common compounds whatever the spelling', () => {
    expect(normalise('wi-fi')).toEqual(normalise('WiFi'));
    expect(normalise('e-mail')).toEqual(normalise('email'));
    expect(normalise('log in')).toEqual(normalise('login'));
    expect(normalise('log-in')).toEqual(normalise('Login'));
    expect(normalise('locked out')).toEqual(normalise('lock-out'));
    expect(normalise('anti-virus')).toEqual(normalise('antivirus'));
    expect(normalise("can't log into")).toEqual(normalise('cannot login'));
  });

  it('stems only longer words without digits', () => {
    expect(stem('was')).toBe('was');
    expect(stem('need')).toBe('need');
    expect(stem('needed')).toBe('need');
    expect(stem('boxes')).toBe('box');
    expect(stem('win11s')).toBe('win11s');
  });
});

describe('splitQuoted', () => {
  it("separates the requester's words from a forwarded message", () => {
    const { own, quoted } = splitQuoted(
      'Is this real?\n\n---------- Forwarded message ---------\nFrom: x@y.example\nPay now',
    );
    expect(own.trim()).toBe('Is this real?');
    expect(quoted).toContain('Pay now');
  });

  it('treats > lines, "On ... wrote:" replies, signatures and disclaimers as quoted', () => {
    const body = [
      'My own text',
      '> quoted line',
      'more own text',
      '--',
      'Jane Doe, Finance',
      'CONFIDENTIALITY NOTICE: may contain personal data',
    ].join('\n');
    const { own, quoted } = splitQuoted(body);
    expect(own).toBe('My own text\nmore own text');
    expect(quoted).toContain('quoted line');
    expect(quoted).toContain('Jane Doe');
    expect(quoted).toContain('personal data');
    expect(
      splitQuoted('Thanks\nOn Tue, 3 Nov 2026 at 10:00, Bob <bob@x.example> wrote:\nold').quoted,
    ).toContain('old');
  });
});

describe('sender patterns', () => {
  it('match with * as any run of characters, case-insensitively, anchored', () => {
    expect(senderPatternToRegExp('*@alerts.example').test('NAGIOS@alerts.example')).toBe(true);
    expect(senderPatternToRegExp('*@alerts.example').test('x@alerts.example.evil')).toBe(false);
    expect(senderPatternToRegExp('noreply@backup.*').test('noreply@backup.acme.example')).toBe(true);
    expect(senderPatternToRegExp('noreply@backup.*').test('noreply@backupxacme.example')).toBe(false);
    expect(senderPatternToRegExp('a+b@x.example').test('a+b@x.example')).toBe(true);
  });
});

describe('confidence maths', () => {
  it('grows with evidence and saturates below 1', () => {
    expect(strengthOf(0)).toBe(0);
    expect(strengthOf(2)).toBeCloseTo(0.393, 3);
    expect(strengthOf(8)).toBeCloseTo(0.865, 3);
    expect(strengthOf(100)).toBeLessThanOrEqual(1);
  });

  it('halves on a tie and keeps full strength unopposed', () => {
    expect(competitionFactor(4, 0)).toBe(1);
    expect(competitionFactor(4, 4)).toBe(0.5);
    expect(competitionFactor(8, 4)).toBe(0.75);
    expect(competitionFactor(4, 8)).toBe(0.25);
  });
});

describe('recognise', () => {
  it('returns no workload and zero confidence when nothing hits', () => {
    expect(recognise(ticket('hello', 'anyone there?'), toy)).toEqual({
      workload: null,
      confidence: 0,
      runnerUp: null,
      matched: [],
      candidates: [],
    });
  });

  it('scores a body hit at its weight, a subject hit at twice, quoted text at half', () => {
    const body = recognise(ticket('hi', 'my widget'), toy).candidates[0]!;
    const subject = recognise(ticket('widget', ''), toy).candidates[0]!;
    const quoted = recognise(ticket('hi', '> my widget'), toy).candidates[0]!;
    expect(body.score).toBe(2);
    expect(subject.score).toBe(2 * SUBJECT_FACTOR);
    expect(quoted.score).toBe(2 * QUOTED_FACTOR);
    expect(subject.confidence).toBeGreaterThan(body.confidence);
    expect(body.confidence).toBeGreaterThan(quoted.confidence);
  });

  it('counts a term once, at its best place', () => {
    const r = recognise(ticket('widget', 'widget widget widget'), toy);
    expect(r.candidates[0]!.score).toBe(2 * SUBJECT_FACTOR);
  });

  it('counts the subject of a forwarded mail as quoted text', () => {
    const r = recognise(ticket('FW: widget', ''), toy);
    expect(r.candidates[0]!.score).toBe(2 * QUOTED_FACTOR);
    expect(recognise(ticket('RE: widget', ''), toy).candidates[0]!.score).toBe(2 * SUBJECT_FACTOR);
  });

  it('is confident when one workload clearly wins and lists the terms that hit', () => {
    const r = recognise(ticket('Widget broken', 'the widget is broken again'), toy);
    expect(r.workload).toBe('alpha');
    expect(r.matched).toEqual(['widget', 'widget broken']);
    expect(r.runnerUp).toBeNull();
    expect(r.confidence).toBeGreaterThan(0.8);
  });

  it('is less confident when two workloads compete, and exactly halved on a tie', () => {
    const alone = recognise(ticket('widget', ''), toy);
    const tie = recognise(ticket('gizmo widget', ''), toy);
    expect(tie.workload).toBe('alpha'); // a tie goes to the earlier workload of the document
    expect(tie.confidence).toBeCloseTo(alone.confidence / 2, 3);
    expect(tie.runnerUp).toEqual({ workload: 'gamma', confidence: tie.confidence });
    const close = recognise(ticket('widget broken', 'gizmo'), toy);
    expect(close.workload).toBe('alpha');
    expect(close.confidence).toBeLessThan(recognise(ticket('widget broken', ''), toy).confidence);
    expect(close.confidence).toBeGreaterThan(tie.confidence);
  });

  it('is low when only a weak term hits', () => {
    const r = recognise(ticket('question', 'my gadget', { channel: 'api' }), toy);
    expect(r.workload).toBe('beta');
    expect(r.confidence).toBeLessThan(0.5);
    expect(r.confidence).toBeGreaterThan(0);
  });

  it('adds sender evidence and names the pattern', () => {
    const r = recognise(ticket('daily report', '', { senderEmail: 'Robot@Widgets.Example' }), toy);
    expect(r.workload).toBe('alpha');
    expect(r.candidates[0]!.score).toBe(SENDER_WEIGHT);
    expect(r.matched).toEqual(['sender *@widgets.example']);
  });

  it('halves evidence from an unusual channel; a usual channel adds a little but never recognises alone', () => {
    expect(recognise(ticket('gadget', '', { channel: 'email' }), toy).candidates[0]!.score).toBe(2);
    expect(recognise(ticket('gadget', '', { channel: 'api' }), toy).candidates[0]!.score).toBe(
      4 + CHANNEL_BONUS,
    );
    expect(recognise(ticket('hello', '', { channel: 'api' }), toy).workload).toBeNull();
  });

  it('keeps confidence within 0..1 however much evidence piles up', () => {
    const text = dow.workloads[0]!.recognise.phrases.map((p) => p.term).join('. ');
    const r = recognise(ticket(text, text), dow.workloads);
    expect(r.confidence).toBeGreaterThan(0.9);
    expect(r.confidence).toBeLessThanOrEqual(1);
  });

  it('is deterministic', () => {
    const t = ticket('VPN password expired', 'Cannot connect from home since my password expired.');
    expect(recognise(t, dow.workloads)).toEqual(recognise(t, dow.workloads));
  });
});

describe('recognition with the default division of work', () => {
  it('recognises every labelled example as its workload above the triage threshold', () => {
    for (const w of dow.workloads) {
      for (const example of w.examples ?? []) {
        const r = recognise(ticket(example, ''), dow.workloads);
        if (w.guardrail) {
          // A guardrail fires on its own evidence, even when another workload scores higher.
          const own = r.candidates.find((c) => c.workload === w.id);
          expect(own?.strength ?? 0, example).toBeGreaterThanOrEqual(dow.triageThreshold);
        } else {
          expect({ example, workload: r.workload }).toEqual({ example, workload: w.id });
          expect(r.confidence, example).toBeGreaterThanOrEqual(dow.triageThreshold);
        }
      }
    }
  });

  it('has no two terms of one workload that normalise to the same words', () => {
    for (const w of dow.workloads) {
      const seen = new Map<string, string>();
      for (const t of [...w.recognise.keywords, ...w.recognise.phrases]) {
        const key = normalise(t.term).join(' ');
        expect(seen.get(key), `${w.id}: '${t.term}'`).toBeUndefined();
        seen.set(key, t.term);
      }
    }
  });

  it.each([
    ["Can't log in", 'password-reset'],
    ['cannot login to my PC', 'password-reset'],
    ['Locked-out of account', 'password-reset'],
    ['Authenticator not giving codes', 'password-reset'],
    ['wifi down', 'connectivity'],
    ['No internet', 'connectivity'],
    ['Malware found', 'endpoint-security'],
    ['Backup failed on FS01', 'monitoring-alert'],
    ['Mailbox full', 'm365-admin'],
    ['Phishing email', 'phishing-report'],
    ['Toner low on printer', 'hardware'],
    ['How do I install Zoom?', 'general-request'],
    ['Renewal invoice', 'purchasing-budget'],
    ['Local admin request', 'security-exception'],
    ['New system architecture', 'strategic-project'],
  ])('reads the subject "%s" as %s', (subject, workload) => {
    const r = recognise(ticket(subject), dow.workloads);
    expect(r.workload).toBe(workload);
    expect(r.confidence).toBeGreaterThanOrEqual(dow.triageThreshold);
  });

  it('does not let an email disclaimer look like a request for sensitive data', () => {
    const body = [
      'The printer on floor 2 is out of toner.',
      '--',
      'CONFIDENTIALITY NOTICE: This message is confidential and may contain personal data or privileged information.',
    ].join('\n');
    const r = recognise(ticket('Printer toner', body), dow.workloads);
    expect(r.workload).toBe('hardware');
    const exception = r.candidates.find((c) => c.workload === 'security-exception');
    expect(exception?.strength ?? 0).toBeLessThan(dow.triageThreshold);
  });
});
