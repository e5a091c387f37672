import type { ChaosReport } from './run.ts';

const kv = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

/** The figures of a chaos run, as the console shows them. */
export function formatReport(r: ChaosReport): string {
  const f = r.figures;
  const lines = [
    '',
    `chaos run, seed ${r.seed}: ${r.passed ? 'PASSED' : 'FAILED'}`,
    `  planned          ${r.planned.tickets} tickets: ${r.planned.web} web, ${r.planned.mail} mail (${r.planned.largeMails} large), ${r.planned.withOddCharacters} with odd characters`,
    `  faults           calls: ${kv(r.faults.calls)}; by service: ${kv(r.faults.byService)}`,
    `                   bus: ${kv(r.faults.bus)}; SIGKILLs ${r.faults.kills}; client retries: ${kv(r.faults.clientRetries.answers)}, no answer ${r.faults.clientRetries.noAnswer}`,
    `  acknowledged     ${f.acknowledged.total} (web ${f.acknowledged.web}, mail ${f.acknowledged.mail}); refused ${f.refused.count}`,
    `  lost             ${f.lost.count}`,
    `  duplicated       ${f.duplicated.count} (one Idempotency-Key or Message-ID, more than one ticket)`,
    `  quarantined      ${f.quarantined.count}${f.quarantined.count ? ` (${kv(f.quarantined.reasons)})` : ''}`,
    `  unrouted         ${f.unrouted.count} after recovery`,
    `  queue            ${f.queue.messages} messages; per ticket: ${kv(f.queue.messagesPerTicket)}; redundant copies ${f.queue.redundantCopies} (dropped by ticket id + decision); undispatched ${f.queue.undispatched.count}`,
    `  SLA events       fired ${f.sla.fired}, came due ${f.sla.expected}; never ${f.sla.never.count}; fired twice ${f.sla.firedTwice.count}; republished (same event id, at least once) ${f.sla.republished}`,
    `  reports          ${f.reports.equal ? 'equal to the recount from the tickets' : `DIFFER from the recount: ${f.reports.differences.join('; ')}`}`,
    `  dead letters     ${r.faults.deadLetters}`,
    `  timing           load ${(r.timing.loadMs / 1000).toFixed(1)} s; converged ${r.timing.convergedAfterMs === null ? 'NEVER' : `${(r.timing.convergedAfterMs / 1000).toFixed(1)} s`} after the faults stopped; run ${(r.timing.runMs / 1000).toFixed(1)} s`,
    '  goals',
    ...Object.entries(r.goals).map(([goal, ok]) => `    ${ok ? 'ok  ' : 'FAIL'} ${goal}`),
  ];
  const samples: [string, unknown[]][] = [
    ['lost', f.lost.samples],
    ['duplicated', f.duplicated.samples],
    ['refused', f.refused.samples],
    ['unrouted', f.unrouted.samples],
    ['undispatched', f.queue.undispatched.samples],
    ['SLA never', f.sla.never.samples],
    ['SLA fired twice', f.sla.firedTwice.samples],
  ];
  for (const [name, xs] of samples)
    if (xs.length) lines.push(`  e.g. ${name}: ${xs.map((x) => JSON.stringify(x)).join(', ')}`);
  if (r.dataDir) lines.push(`  data folder kept: ${r.dataDir}`);
  return lines.join('\n');
}
