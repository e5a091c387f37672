import { isBusinessTime, isHoliday } from '@psa/calendar/business-time';
import { ALWAYS_OPEN } from '@psa/calendar/schema';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OVERFLOW_LIMIT,
  DEFAULT_TRIAGE_THRESHOLD,
  type DivisionOfWorkInput,
  DivisionOfWorkSchema,
  parseDivisionOfWork,
} from '../src/division-of-work.ts';
import { defaultDivisionOfWork } from '../src/division-of-work-default.ts';
import { ValidationError } from '../src/errors.ts';

/** Issues of a rejected document as `path: message` lines. */
function problems(input: unknown): string[] {
  const result = DivisionOfWorkSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** The default document with one change applied. */
function withChange(change: (doc: DivisionOfWorkInput & Record<string, unknown>) => void): unknown {
  const doc = defaultDivisionOfWork() as DivisionOfWorkInput & Record<string, unknown>;
  change(doc);
  return doc;
}

describe('the default division of work', () => {
  const dow = DivisionOfWorkSchema.parse(defaultDivisionOfWork());

  it('parses and describes tenant acme in America/New_York, version 1', () => {
    expect(dow.tenantId).toBe('acme');
    expect(dow.name).toBe('Acme Corp');
    expect(dow.version).toBe(1);
    expect(dow.timeZone).toBe('America/New_York');
    expect(dow.supportAddresses).toEqual(['support@acme.example']);
    expect(new Date(dow.effectiveFrom).toISOString()).toBe('2026-01-01T05:00:00.000Z');
  });

  it('ships the eleven workloads of the design table with their owner, priority and handle minutes', () => {
    const table = dow.workloads.map((w) => [
      w.id,
      w.owner,
      w.defaultPriority,
      w.handleMinutes,
      w.guardrail,
      w.overflowEligible,
    ]);
    expect(table).toEqual([
      ['password-reset', 'partner', 'P3', 15, false, false],
      ['connectivity', 'partner', 'P2', 30, false, false],
      ['endpoint-security', 'partner', 'P3', 30, false, false],
      ['monitoring-alert', 'partner', 'P2', 20, false, false],
      ['m365-admin', 'partner', 'P3', 20, false, false],
      ['phishing-report', 'partner', 'P2', 20, false, false],
      ['hardware', 'internal', 'P3', 45, false, true],
      ['general-request', 'internal', 'P4', 30, false, true],
      ['purchasing-budget', 'internal', 'P4', 60, true, false],
      ['security-exception', 'internal', 'P3', 45, true, false],
      ['strategic-project', 'internal', 'P4', 120, true, false],
    ]);
  });

  it('gives every workload a rich vocabulary and labelled examples', () => {
    for (const w of dow.workloads) {
      expect(w.recognise.keywords.length + w.recognise.phrases.length, w.id).toBeGreaterThanOrEqual(12);
      expect(w.examples?.length, w.id).toBeGreaterThanOrEqual(3);
    }
    const vocabulary = dow.workloads.flatMap((w) =>
      [...w.recognise.keywords, ...w.recognise.phrases].map((t) => t.term.toLowerCase()),
    );
    for (const term of ['locked out', "can't log in", 'mfa', 'authenticator', 'vpn', 'wifi', 'no internet']) {
      expect(vocabulary).toContain(term);
    }
    for (const term of ['backup failed', 'disk space critical', 'crowdstrike', 'quote for', 'renewal']) {
      expect(vocabulary).toContain(term);
    }
    for (const term of ['invoice', 'admin rights', 'local admin', 'exception', 'migration', 'new system']) {
      expect(vocabulary).toContain(term);
    }
  });

  it('recognises monitoring tools by sender and the usual alert channels', () => {
    const monitoring = dow.workloads.find((w) => w.id === 'monitoring-alert')!;
    expect(monitoring.recognise.senders).toEqual(
      expect.arrayContaining(['noreply@backup.*', '*@alerts.acme.example']),
    );
    expect(monitoring.recognise.channels).toEqual(['email', 'api']);
  });

  it('has the default VIPs, overflow limit, triage threshold and SLA targets', () => {
    expect(dow.vipRequesters).toEqual(['ceo@acme.example', 'cfo@acme.example']);
    expect(dow.overflowLimit).toBe(25);
    expect(DEFAULT_OVERFLOW_LIMIT).toBe(25);
    expect(dow.triageThreshold).toBe(DEFAULT_TRIAGE_THRESHOLD);
    expect(dow.triageThreshold).toBeGreaterThan(0);
    expect(dow.triageThreshold).toBeLessThan(1);
    expect(dow.slaTargets.partner).toEqual({
      P1: { firstResponseMinutes: 15, resolutionMinutes: 240 },
      P2: { firstResponseMinutes: 30, resolutionMinutes: 480 },
      P3: { firstResponseMinutes: 120, resolutionMinutes: 1440 },
      P4: { firstResponseMinutes: 240, resolutionMinutes: 4320 },
    });
    expect(dow.slaTargets.internal).toEqual({
      P1: { firstResponseMinutes: 30, resolutionMinutes: 240 },
      P2: { firstResponseMinutes: 60, resolutionMinutes: 480 },
      P3: { firstResponseMinutes: 240, resolutionMinutes: 1620 },
      P4: { firstResponseMinutes: 480, resolutionMinutes: 2700 },
    });
  });

  it('keeps internal hours Mon-Fri 08:00-17:00 New York time with US federal holidays', () => {
    const cal = dow.internalCalendar;
    expect(isBusinessTime(cal, new Date('2026-06-16T08:00:00-04:00'))).toBe(true);
    expect(isBusinessTime(cal, new Date('2026-06-16T16:59:00-04:00'))).toBe(true);
    expect(isBusinessTime(cal, new Date('2026-06-16T17:00:00-04:00'))).toBe(false);
    expect(isBusinessTime(cal, new Date('2026-06-13T10:00:00-04:00'))).toBe(false); // Saturday
    expect(isHoliday(cal, new Date('2026-07-03T10:00:00-04:00'))).toBe(true); // Independence Day observed
    expect(isHoliday(cal, new Date('2026-11-26T10:00:00-05:00'))).toBe(true); // Thanksgiving
    expect(isHoliday(cal, new Date('2026-11-27T10:00:00-05:00'))).toBe(false);
  });

  it('lets the partner cover 24x7x365', () => {
    expect(dow.partnerCoverage.calendar).toEqual(ALWAYS_OPEN);
    expect(isBusinessTime(dow.partnerCoverage.calendar, new Date('2026-12-25T03:00:00Z'))).toBe(true);
  });

  it('derives addresses from the tenant id for another tenant', () => {
    const globex = parseDivisionOfWork(defaultDivisionOfWork('globex', 'Globex Inc'));
    expect(globex.name).toBe('Globex Inc');
    expect(globex.supportAddresses).toEqual(['support@globex.example']);
    expect(globex.vipRequesters).toEqual(['ceo@globex.example', 'cfo@globex.example']);
    const monitoring = globex.workloads.find((w) => w.id === 'monitoring-alert')!;
    expect(monitoring.recognise.senders).toContain('*@alerts.globex.example');
  });

  it('survives storage: the parsed document, through JSON, parses again to the same document', () => {
    expect(DivisionOfWorkSchema.parse(JSON.parse(JSON.stringify(dow)))).toEqual(dow);
  });

  it('returns a fresh document on every call', () => {
    const a = defaultDivisionOfWork();
    const b = defaultDivisionOfWork();
    a.workloads[0]!.recognise.keywords!.push({ term: 'extra', weight: 1 });
    a.internalCalendar.hours.mon!.push(['18:00', '19:00']);
    expect(b.workloads[0]!.recognise.keywords).not.toContainEqual({ term: 'extra', weight: 1 });
    expect(b.internalCalendar.hours.mon).toEqual([['08:00', '17:00']]);
    expect(b.internalCalendar.hours.tue).toEqual([['08:00', '17:00']]);
  });
});

describe('optional fields', () => {
  it('default to no VIPs, overflow limit 25, the default threshold and a 24x7 partner', () => {
    const doc = defaultDivisionOfWork() as Record<string, unknown>;
    delete doc.vipRequesters;
    delete doc.overflowLimit;
    delete doc.triageThreshold;
    doc.partnerCoverage = {};
    const dow = parseDivisionOfWork(doc);
    expect(dow.vipRequesters).toEqual([]);
    expect(dow.overflowLimit).toBe(25);
    expect(dow.triageThreshold).toBe(DEFAULT_TRIAGE_THRESHOLD);
    expect(dow.partnerCoverage.calendar).toEqual(ALWAYS_OPEN);
  });

  it('lower-case VIP and support addresses so comparisons are case-insensitive', () => {
    const dow = parseDivisionOfWork(
      withChange((d) => {
        d.vipRequesters = ['CEO@Acme.Example'];
        d.supportAddresses = ['Help@Acme.Example'];
      }),
    );
    expect(dow.vipRequesters).toEqual(['ceo@acme.example']);
    expect(dow.supportAddresses).toEqual(['help@acme.example']);
  });
});

describe('a bad division of work is rejected, naming the path', () => {
  it.each([
    ['zero', 0],
    ['negative', -2],
    ['fractional', 1.5],
    ['text', '1'],
  ])('version %s', (_label, version) => {
    expect(problems(withChange((d) => (d.version = version as number)))).toEqual([
      expect.stringMatching(/^version: version must be/),
    ]);
  });

  it('duplicate workload ids', () => {
    const doc = withChange((d) => {
      d.workloads[3]!.id = 'password-reset';
    });
    expect(problems(doc)).toEqual([
      "workloads.3.id: duplicate workload id 'password-reset' (also workloads[0])",
    ]);
  });

  it('an owner that is neither partner nor internal', () => {
    const doc = withChange((d) => {
      (d.workloads[1] as Record<string, unknown>).owner = 'msp';
    });
    expect(problems(doc)).toEqual([`workloads.1.owner: owner must be 'partner' or 'internal', got "msp"`]);
  });

  it("'triage' as a workload owner", () => {
    const doc = withChange((d) => {
      (d.workloads[6] as Record<string, unknown>).afterHoursOwner = 'triage';
    });
    expect(problems(doc)).toEqual([
      `workloads.6.afterHoursOwner: owner must be 'partner' or 'internal', got "triage"`,
    ]);
  });

  it('a partner-owned guardrail', () => {
    const doc = withChange((d) => {
      d.workloads[8]!.owner = 'partner';
    });
    expect(problems(doc)).toEqual([
      "workloads.8.owner: guardrail workload 'purchasing-budget' must be owned by 'internal'",
    ]);
  });

  it('a guardrail handed to the partner after hours or made overflow-eligible', () => {
    const doc = withChange((d) => {
      d.workloads[9]!.afterHoursOwner = 'partner';
      d.workloads[10]!.overflowEligible = true;
    });
    expect(problems(doc)).toEqual([
      "workloads.9.afterHoursOwner: guardrail workload 'security-exception' stays internal at any hour; afterHoursOwner cannot be 'partner'",
      "workloads.10.overflowEligible: guardrail workload 'strategic-project' cannot be overflow-eligible",
    ]);
  });

  it('a workload that could never be recognised', () => {
    const doc = withChange((d) => {
      d.workloads[7]!.recognise = { keywords: [], phrases: [] };
    });
    expect(problems(doc)).toEqual([
      "workloads.7.recognise: workload 'general-request' has no keywords, phrases or senders, so it can never be recognised",
    ]);
  });

  it('bad terms, weights, sender patterns and channels', () => {
    const doc = withChange((d) => {
      const r = d.workloads[0]!.recognise;
      r.keywords![0] = { term: '  ', weight: 1 };
      r.keywords![1] = { term: 'passcode', weight: 0 };
      r.keywords![2] = { term: '!!', weight: 1 };
      r.phrases![0] = { term: 'locked out', weight: 4 };
      r.senders = ['alerts.example'];
      r.channels = ['fax' as 'email'];
    });
    expect(problems(doc)).toEqual([
      'workloads.0.recognise.keywords.0.term: term must not be empty',
      'workloads.0.recognise.keywords.1.weight: weight must be greater than 0',
      'workloads.0.recognise.keywords.2.term: term must contain a letter or digit',
      "workloads.0.recognise.senders.0: sender pattern must look like an address, e.g. '*@alerts.example'",
      'workloads.0.recognise.channels.0: Invalid option: expected one of "email"|"web"|"api"',
    ]);
  });

  it('a duplicate term within a workload', () => {
    const doc = withChange((d) => {
      d.workloads[1]!.recognise.keywords!.push({ term: 'VPN', weight: 1 });
    });
    const n = defaultDivisionOfWork().workloads[1]!.recognise.keywords!.length;
    expect(problems(doc)).toEqual([
      `workloads.1.recognise.keywords.${n}.term: duplicate term 'VPN' in workload 'connectivity'`,
    ]);
  });

  it('a bad workload id, priority or handle minutes', () => {
    const doc = withChange((d) => {
      d.workloads[2]!.id = 'Endpoint Security';
      (d.workloads[2] as Record<string, unknown>).defaultPriority = 'P5';
      d.workloads[2]!.handleMinutes = 0;
    });
    expect(problems(doc)).toEqual([
      'workloads.2.id: workload id must be lower-case kebab-case, e.g. password-reset',
      expect.stringMatching(/^workloads\.2\.defaultPriority: /),
      'workloads.2.handleMinutes: handleMinutes must be > 0',
    ]);
  });

  it('an unknown time zone, a bad instant and bad addresses', () => {
    const doc = withChange((d) => {
      d.timeZone = 'America/Gotham';
      d.effectiveFrom = '2026-01-01';
      d.supportAddresses = ['not-an-address'];
      d.vipRequesters = ['ceo at acme'];
    });
    expect(problems(doc)).toEqual([
      'effectiveFrom: effectiveFrom must be an ISO 8601 instant',
      "timeZone: unknown IANA time zone 'America/Gotham'",
      'supportAddresses.0: support address must be an email address',
      'vipRequesters.0: VIP requester must be an email address',
    ]);
  });

  it('an invalid internal calendar', () => {
    const doc = withChange((d) => {
      d.internalCalendar.timeZone = 'Mars/Olympus';
      d.internalCalendar.hours.mon = [['8am', '17:00']];
    });
    expect(problems(doc)).toEqual([
      expect.stringMatching(/^internalCalendar\.timeZone: Unknown time zone/),
      expect.stringMatching(/^internalCalendar\.hours\.mon\.0\.0: Invalid wall-clock time/),
    ]);
  });

  it('SLA targets that are missing or whose first response exceeds resolution', () => {
    const doc = withChange((d) => {
      d.slaTargets.internal.P2 = { firstResponseMinutes: 600, resolutionMinutes: 480 };
      delete (d.slaTargets.partner as Record<string, unknown>).P4;
    });
    expect(problems(doc)).toEqual([
      expect.stringMatching(/^slaTargets\.partner\.P4: /),
      'slaTargets.internal.P2.firstResponseMinutes: firstResponseMinutes must not exceed resolutionMinutes',
    ]);
  });

  it('a triage threshold or overflow limit out of range', () => {
    const doc = withChange((d) => {
      d.triageThreshold = 1.5;
      d.overflowLimit = -1;
    });
    expect(problems(doc)).toEqual([
      'overflowLimit: overflowLimit must be 0 or more',
      'triageThreshold: triageThreshold must be at most 1',
    ]);
  });

  it('no workloads at all', () => {
    expect(problems(withChange((d) => (d.workloads = [])))).toEqual([
      'workloads: at least one workload is needed',
    ]);
  });

  it('through parseDivisionOfWork as a ValidationError listing every path', () => {
    const doc = withChange((d) => {
      d.version = 0;
      d.workloads[8]!.owner = 'partner';
    });
    let error: unknown;
    try {
      parseDivisionOfWork(doc);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.status).toBe(400);
    expect(v.issues.map((i) => i.path)).toEqual(['version', 'workloads.8.owner']);
    expect(v.message).toContain('version: version must be a positive integer');
    expect(v.message).toContain(
      "workloads.8.owner: guardrail workload 'purchasing-budget' must be owned by 'internal'",
    );
  });
});
