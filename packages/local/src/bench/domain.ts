import { addBusinessTime } from '@psa/calendar/business-time';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { decideRouting } from '@psa/routing/decide';
import { percentile, report } from './stats.ts';

const SAMPLES = [
  ['Locked out of my account', 'I forgot my password and need an MFA reset'],
  ['VPN keeps dropping', 'cannot connect to the VPN from home, wifi is fine'],
  ['Approve renewal quote', 'please approve the budget for the licence renewal'],
  ['Laptop screen cracked', 'my laptop is broken and I need a replacement'],
  ['Question', 'how do I change my desktop background?'],
  ['[Veeam] Backup job failed', 'Backup job Nightly failed with error on host FS01'],
] as const;

/** Routing decisions per second and the p99 of one decision, domain only (no I/O). */
export function benchRouting(iterations = 20_000): void {
  const dow = DivisionOfWorkSchema.parse(defaultDivisionOfWork());
  const start = Date.parse('2026-11-02T13:00:00Z');
  const times: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    const [subject, body] = SAMPLES[i % SAMPLES.length]!;
    const s = performance.now();
    decideRouting({
      subject,
      body,
      requesterEmail: `user${i % 50}@acme.example`,
      channel: 'web',
      requestedPriority: null,
      receivedAt: new Date(start + i * 137_000),
      internalOpenBacklog: i % 40,
      dow,
    });
    times.push(performance.now() - s);
  }
  const total = performance.now() - t0;
  times.sort((a, b) => a - b);
  report('routing decision (domain)', {
    decisionsPerSec: Math.round(iterations / (total / 1000)),
    p50ms: percentile(times, 50),
    p99ms: percentile(times, 99),
  });
}

/** Business-time additions per second on the default internal calendar (US holidays). */
export function benchCalendar(iterations = 100_000): void {
  const cal = DivisionOfWorkSchema.parse(defaultDivisionOfWork()).internalCalendar;
  const start = Date.parse('2026-01-01T00:00:00Z');
  addBusinessTime(cal, new Date(start), 60_000); // warm the holiday tables
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    addBusinessTime(cal, new Date(start + (i % 10_000) * 2_222_000), 8 * 3_600_000);
  }
  const total = performance.now() - t0;
  report('calendar add 8 business hours', { addsPerSec: Math.round(iterations / (total / 1000)) });
}
