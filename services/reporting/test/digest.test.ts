import type { Principal } from '@psa/http/auth';
import { type DivisionOfWork, DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { RecordingMailer } from '@psa/testing/fakes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TARGETS, statusOf, targetsOf } from '../src/domain/digest.ts';
import { projectTicket } from '../src/domain/project.ts';
import { getRelief } from '../src/domain/read-reports.ts';
import { sendMonthlyDigest } from '../src/domain/send-digest.ts';
import { routedTicket, startReporting } from './support.ts';

let r: Awaited<ReturnType<typeof startReporting>>;
let mailer: RecordingMailer;
beforeEach(async () => {
  r = await startReporting('2026-12-01T06:00:00.000Z');
  mailer = new RecordingMailer();
});
afterEach(() => r.stop());

const leadership: Principal = { sub: 'coo', tenant: 'acme', role: 'leadership' };
const digest = () =>
  sendMonthlyDigest({ tenantId: 'acme', month: '2026-11' }, { ...r.deps, mailer, webUrl: 'http://web.test' });

/**
 * October: 1 partner, 3 internal tickets, one of them after hours. November: 3 partner, 1
 * internal, the 2 after hours to the partner.
 */
async function twoMonths() {
  const tickets = [
    routedTicket({ owner: 'partner', receivedAt: '2026-10-14T15:00:00.000Z' }),
    ...[1, 2].map(() => routedTicket({ owner: 'internal', receivedAt: '2026-10-15T15:00:00.000Z' })),
    routedTicket({ owner: 'internal', afterHours: true, receivedAt: '2026-10-16T03:00:00.000Z' }),
    routedTicket({ owner: 'partner', receivedAt: '2026-11-10T15:00:00.000Z' }),
    routedTicket({ owner: 'partner', afterHours: true, receivedAt: '2026-11-11T03:00:00.000Z' }),
    routedTicket({ owner: 'partner', afterHours: true, receivedAt: '2026-11-12T03:00:00.000Z' }),
    routedTicket({ owner: 'internal', receivedAt: '2026-11-12T15:00:00.000Z' }),
  ];
  for (const t of tickets) {
    await r.deps.tickets.create(t, []);
    await projectTicket({ tenantId: 'acme', ticketId: t.id }, r.deps);
  }
}

describe('the monthly digest', () => {
  it('mails the leadership recipients once, however often the closed month is announced', async () => {
    await twoMonths();
    expect(await digest()).toEqual({ sent: 1 });
    expect(await digest()).toEqual({ sent: 0 });
    expect(mailer.sent.map((m) => m.to)).toEqual(['coo@acme.example']);
  });

  it('states the headline figures the relief report gives, against their targets, with a dashboard link', async () => {
    await twoMonths();
    await digest();
    const report = await getRelief({ tenantId: 'acme', principal: leadership, month: '2026-11' }, r.deps);
    const { text, html, subject } = mailer.sent[0]!;
    expect(subject).toBe('Acme Corp: the partnership in 2026-11');
    expect(report.partnerShare).toBe(0.75);
    expect(text).toContain('Partner share: 75% (+50 pts from 2026-10; target 70%, on target)');
    expect(text).toContain(
      'After-hours absorbed by the partner: 100% (+100 pts from 2026-10; target 90%, on target)',
    );
    expect(text).toContain(`Internal hours freed: ${report.internalHoursFreed} h`);
    expect(text).toContain('The dashboard for 2026-11: http://web.test/dashboard?month=2026-11');
    expect(html).toContain('<a href="http://web.test/dashboard?month=2026-11">');
    expect(html).toContain(
      '<caption style="text-align:left;font-weight:600;padding:4px 0">Tickets by owner, 2026-11</caption>',
    );
    // No images, nothing fetched from elsewhere.
    expect(html).not.toMatch(/<img|src=|url\(/i);
    // The three largest changes, largest first (relative change; ties by name).
    const changes = text
      .slice(text.indexOf('Largest changes'), text.indexOf('Tickets by owner'))
      .trim()
      .split('\n');
    expect(changes.slice(1)).toEqual([
      '  After-hours absorbed by the partner: 0% -> 100% (+100 pts)',
      '  After-hours tickets left to internal IT: 1 -> 0 (−1)',
      '  Internal hours freed: 0.25 h -> 0.75 h (+0.5 h)',
    ]);
  });

  it('goes to the division of work’s digest recipients when it names them, and to nobody when none', async () => {
    const doc = defaultDivisionOfWork();
    const withList = (recipients: string[]): DivisionOfWork =>
      DivisionOfWorkSchema.parse({
        ...doc,
        version: doc.version + recipients.length + 1,
        digest: { recipients },
      });
    await r.deps.tenants.putDivisionOfWork(withList(['cfo@acme.example', 'coo@acme.example']));
    await digest();
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(['cfo@acme.example', 'coo@acme.example']);
  });
});

describe('targets', () => {
  it('are the division of work’s, with the issue’s defaults when it names none', () => {
    const doc = DivisionOfWorkSchema.parse(defaultDivisionOfWork());
    expect(targetsOf(doc)).toEqual(DEFAULT_TARGETS);
    const withTargets = DivisionOfWorkSchema.parse({
      ...defaultDivisionOfWork(),
      targets: { partnerShare: 0.8, afterHoursAbsorbed: 0.95 },
    });
    expect(targetsOf(withTargets)).toEqual({
      partnerShare: 0.8,
      afterHoursAbsorbed: 0.95,
      slaAttainment: 0.95,
    });
  });

  it('grade a figure: on target at or above it, close within 5 points, below further down', () => {
    expect(statusOf(0.7, 0.7)).toBe('on target');
    expect(statusOf(0.66, 0.7)).toBe('close');
    expect(statusOf(0.6, 0.7)).toBe('below');
    expect(statusOf(null, 0.7)).toBe('no data');
  });
});
