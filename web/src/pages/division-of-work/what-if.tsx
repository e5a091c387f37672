import type { RoutingStats, SimulationReport } from './data.ts';
import { Scroll } from './scroll.tsx';

/**
 * A what-if report: the month's tickets as they were routed, and as the draft would route them.
 * Everything is a table (with a caption), so a screen reader reads the same as the eye.
 */

const OWNER: Record<string, string> = { partner: 'MSP partner', internal: 'Internal IT', triage: 'Triage' };

const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)} %`);
const hours = (h: number) => `${h.toFixed(1)} h`;
const signed = (n: number, unit = '') =>
  `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(unit ? 1 : 0)}${unit}`;

interface Row {
  label: string;
  before: string;
  after: string;
  change: string;
}

function rows(a: RoutingStats, s: RoutingStats): Row[] {
  const count = (label: string, x: number, y: number): Row => ({
    label,
    before: String(x),
    after: String(y),
    change: signed(y - x),
  });
  return [
    count('Tickets', a.tickets, s.tickets),
    {
      label: 'Partner share',
      before: percent(a.partnerShare),
      after: percent(s.partnerShare),
      change:
        a.partnerShare === null || s.partnerShare === null
          ? '—'
          : `${signed((s.partnerShare - a.partnerShare) * 100, ' points')}`,
    },
    count('Owned by the MSP partner', a.ticketsByOwner.partner ?? 0, s.ticketsByOwner.partner ?? 0),
    count('Owned by internal IT', a.ticketsByOwner.internal ?? 0, s.ticketsByOwner.internal ?? 0),
    count('Sent to triage', a.ticketsByOwner.triage ?? 0, s.ticketsByOwner.triage ?? 0),
    count('After-hours tickets', a.afterHours.tickets, s.afterHours.tickets),
    count(
      'After hours absorbed by the partner',
      a.afterHours.absorbedByPartner,
      s.afterHours.absorbedByPartner,
    ),
    {
      label: 'Internal hours freed',
      before: hours(a.internalHoursFreed),
      after: hours(s.internalHoursFreed),
      change: signed(s.internalHoursFreed - a.internalHoursFreed, ' h'),
    },
  ];
}

export function WhatIfReport({ report }: { report: SimulationReport }) {
  const { actual, simulated, changes } = report;
  // Workloads without a hit either way are left out (a month rarely touches them all).
  const workloads = [
    ...new Set([...Object.keys(actual.workloadHits), ...Object.keys(simulated.workloadHits)]),
  ]
    .filter((w) => (actual.workloadHits[w] ?? 0) + (simulated.workloadHits[w] ?? 0) > 0)
    .sort();
  const versions = actual.divisionOfWorkVersions.map((v) => `v${v}`).join(', ') || 'none';
  return (
    <section class="dow-whatif" aria-labelledby="dow-whatif-title">
      <h3 id="dow-whatif-title">
        What-if for {report.month} ({report.timeZone})
      </h3>
      <p class="dow-muted">
        As routed (by {versions}) against the draft; compared with version{' '}
        {report.proposal.comparedWithVersion}.
      </p>
      <Scroll label="Before and after">
        <table class="dow-table">
          <caption>Before and after</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">As routed</th>
              <th scope="col">With the draft</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {rows(actual, simulated).map((r) => (
              <tr key={r.label}>
                <th scope="row">{r.label}</th>
                <td>{r.before}</td>
                <td>{r.after}</td>
                <td>{r.change}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>

      <Scroll label="Hits per workload">
        <table class="dow-table">
          <caption>
            Hits per workload <span class="dow-muted">(workloads without a hit are left out)</span>
          </caption>
          <thead>
            <tr>
              <th scope="col">Workload</th>
              <th scope="col">As routed</th>
              <th scope="col">With the draft</th>
            </tr>
          </thead>
          <tbody>
            {workloads.map((w) => (
              <tr key={w}>
                <th scope="row">
                  <code>{w}</code>
                </th>
                <td>{actual.workloadHits[w] ?? 0}</td>
                <td>{simulated.workloadHits[w] ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>

      {changes.count === 0 ? (
        <p>No ticket of {report.month} would be routed differently.</p>
      ) : (
        <Scroll label="Tickets routed differently">
          <table class="dow-table dow-changes">
            <caption>
              {changes.count} {changes.count === 1 ? 'ticket' : 'tickets'} would be routed differently
              {changes.truncated ? ` (the first ${changes.items.length} shown)` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col">Subject</th>
                <th scope="col">Owner</th>
                <th scope="col">Workload</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {changes.items.map((c) => (
                <tr key={c.id}>
                  <th scope="row" class="dow-nowrap">
                    <a href={`/tickets/${encodeURIComponent(c.id)}`}>{c.key}</a>
                  </th>
                  <td>{c.subject}</td>
                  <td>
                    {c.differs.includes('owner')
                      ? `${OWNER[c.actual.owner]} → ${OWNER[c.replayed.owner]}`
                      : `${OWNER[c.replayed.owner]} (unchanged)`}
                  </td>
                  <td>
                    {c.actual.workload === c.replayed.workload
                      ? (c.replayed.workload ?? '—')
                      : `${c.actual.workload ?? '—'} → ${c.replayed.workload ?? '—'}`}
                  </td>
                  <td>
                    <ul class="dow-reasons">
                      {c.replayed.reasons.map((r) => (
                        <li key={r}>{r}</li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}
