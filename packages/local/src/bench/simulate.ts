import { type DivisionOfWork, DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import type { Ticket } from '@psa/model/ticket';
import { decideRouting } from '@psa/routing/decide';
import { monthWindow, replayMonth } from '@psa/routing/replay';
import { summariseSimulation } from '@psa/routing/simulate';
import { report } from './stats.ts';

const SAMPLES = [
  ['Locked out of my account', 'I forgot my password and need an MFA reset'],
  ['VPN keeps dropping', 'cannot connect to the VPN from home, wifi is fine'],
  ['Approve renewal quote', 'please approve the budget for the licence renewal'],
  ['Laptop screen cracked', 'my laptop is broken and I need a replacement'],
  ['Question', 'how do I change my desktop background?'],
  ['[Veeam] Backup job failed', 'Backup job Nightly failed with error on host FS01'],
  ['Printer jammed again', 'paper jam on the 2nd floor printer'],
  ['Hello', 'can someone call me back'],
] as const;

/**
 * A month of tickets routed by `dow` as they arrived, the internal backlog counted as the router
 * counts it; most are resolved within 1-8 hours, one in twenty stays open.
 */
export function synthesiseMonth(count: number, dow: DivisionOfWork, month = '2026-11'): Ticket[] {
  const window = monthWindow(month, dow.timeZone);
  const span = window.end.getTime() - window.start.getTime();
  const tickets: Ticket[] = [];
  let neverResolved = 0;
  const pending: number[] = []; // resolve instants of open internal tickets, ascending
  for (let i = 0; i < count; i++) {
    const [subject, body] = SAMPLES[i % SAMPLES.length]!;
    const received = window.start.getTime() + Math.floor((i + 0.5) * (span / count));
    while (pending.length > 0 && pending[0]! <= received) pending.shift();
    const outcome = decideRouting({
      subject,
      body,
      requesterEmail: `user${i % 200}@acme.example`,
      channel: 'web',
      requestedPriority: null,
      receivedAt: new Date(received),
      internalOpenBacklog: neverResolved + pending.length,
      dow,
    });
    const resolved = i % 20 === 0 ? null : received + ((i % 8) + 1) * 3_600_000;
    if (outcome.owner === 'internal') {
      if (resolved === null) neverResolved++;
      else pending.splice(sortedIndex(pending, resolved), 0, resolved);
    }
    const at = new Date(received).toISOString();
    const resolvedAt = resolved === null ? null : new Date(resolved).toISOString();
    tickets.push({
      tenantId: 'acme',
      id: `bench-${i}`,
      number: 1001 + i,
      key: `ACME-${1001 + i}`,
      subject,
      body,
      channel: 'web',
      requester: { email: `user${i % 200}@acme.example` },
      requestedPriority: null,
      status: resolvedAt ? 'resolved' : 'new',
      owner: outcome.owner,
      workload: outcome.workload,
      priority: outcome.priority,
      afterHours: outcome.afterHours,
      routing: { ...outcome.routing, decidedAt: at },
      handleMinutes: outcome.handleMinutes,
      receivedAt: at,
      updatedAt: at,
      firstRespondedAt: null,
      resolvedAt,
      history: resolvedAt ? [{ from: 'new', to: 'resolved', at: resolvedAt, by: { role: 'internal' } }] : [],
      replyTo: null,
      handoffs: [],
      occurrences: 1,
      version: 2,
    });
  }
  return tickets;
}

function sortedIndex(list: number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What-if simulation of a month of 10,000 tickets (in memory: the pure replay and its summary). */
export async function benchSimulate(count = 10_000, runs = 3): Promise<void> {
  const dow = DivisionOfWorkSchema.parse(defaultDivisionOfWork());
  const tickets = synthesiseMonth(count, dow);
  const window = monthWindow('2026-11', dow.timeZone);
  const times: number[] = [];
  let changes = 0;
  let overflow = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const replay = replayMonth({ window, tickets, document: dow, backlog: 'actual' });
    const summary = summariseSimulation({
      tenantId: 'acme',
      replay,
      proposal: dow,
      current: dow,
      overflowLimitByVersion: new Map([[dow.version, dow.overflowLimit]]),
    });
    times.push(performance.now() - t0);
    changes = summary.changes.count;
    overflow = summary.simulated.ruleCounts.overflow;
  }
  times.sort((a, b) => a - b);
  report(`simulate ${count} tickets (domain)`, {
    bestMs: times[0]!,
    medianMs: times[Math.floor(times.length / 2)]!,
    ticketsPerSec: Math.round(count / (times[0]! / 1000)),
    // 0: replaying the document that routed them reproduces every decision, overflow included.
    ownerChanges: changes,
    overflowDecisions: overflow,
  });
}
