import { formatReport } from '@psa/local/chaos/print';
import { CHAOS_DEFAULTS, type ChaosReport, runChaos } from '@psa/local/chaos/run';
import { describe, expect, it } from 'vitest';

/**
 * A short run of `npm run chaos` (see packages/local/src/chaos): the local runtime started as a
 * user starts it, with its fault injector throttling, failing, timing out and dropping the
 * answers of the functions' AWS calls and duplicating and reordering bus deliveries; 150
 * tickets over HTTP and SMTP (odd characters, a few large mails) from well-behaved clients; one
 * SIGKILL and a restart with the clock moved on, so SLA clocks come due under faults. Once the
 * faults stop, the system must converge to every goal. The seed is fixed, so a failure replays
 * with `npm run chaos -- --seed npm-test --tickets 150 --kills 1` (with the default, higher
 * fault rates).
 */
const rare = { throttle: 0.004, error: 0.002, timeout: 0.001, lostResponse: 0.003 };

describe('a short chaos run', () => {
  it('loses nothing acknowledged, duplicates no ticket, fires each SLA event once, and reports what the tickets say', async () => {
    const progress: string[] = [];
    const report: ChaosReport = await runChaos({
      ...CHAOS_DEFAULTS,
      seed: 'npm-test',
      tickets: 150,
      kills: 1,
      mailShare: 0.35,
      largeShare: 0.04,
      calls: { throttle: 0.02, error: 0.01, timeout: 0.003, lostResponse: 0.01 },
      // What a writer could not deliver waits for the outbox reconciler, which runs once a
      // minute: a publication the SDK gave up on, and a conditional write whose answer was lost
      // (the writer then takes it for someone else's). Both stay rare here so the run converges
      // in seconds; the long run (`npm run chaos`) has plenty of both.
      services: {
        dynamodb: { throttle: 0.02, error: 0.01, timeout: 0.003, lostResponse: 0 },
        eventbridge: rare,
        sqs: rare,
        sesv2: rare,
      },
      timeoutMs: 500,
      bus: { duplicate: 0.05, reorder: 0.05, reorderMaxMs: 1_000 },
      outages: { perStart: 0, durationMs: [0, 0] },
      concurrency: 8,
      tailMs: 2_000,
      convergeTimeoutMs: 120_000,
      log: (line) => progress.push(`${new Date().toISOString().slice(11, 19)} ${line}`),
    });
    console.log(`${progress.join('\n')}\n${formatReport(report)}`);

    // The run did what it says: faults were injected, the process was killed, clocks came due.
    expect(report.faults.kills).toBe(1);
    expect(Object.values(report.faults.calls).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(report.faults.bus.duplicate ?? 0).toBeGreaterThan(0);
    expect(report.figures.acknowledged.total).toBeGreaterThanOrEqual(140);
    expect(report.figures.sla.expected).toBeGreaterThan(0);

    const f = report.figures;
    expect(f.lost.samples, 'acknowledged, then lost').toEqual([]);
    expect(f.duplicated.samples, 'one Idempotency-Key or Message-ID, two tickets').toEqual([]);
    expect(f.unrouted.samples, 'never routed').toEqual([]);
    expect(f.queue.undispatched.samples, 'routed, never on its queue').toEqual([]);
    expect(f.sla.firedTwice.samples, 'an SLA crossing fired under two ids').toEqual([]);
    expect(f.sla.never.samples, 'an SLA event that came due and never fired').toEqual([]);
    expect(f.reports.differences, 'reports against the recount from the tickets').toEqual([]);
    expect(report.passed).toBe(true);
  }, 240_000);
});
