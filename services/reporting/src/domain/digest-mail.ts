/**
 * The digest mail's two parts: plain text, and HTML whose charts are tables of inline-styled bars
 * (no images, no external resources: mail clients block them and the local outbox shows it as is).
 * Colours are the Okabe-Ito palette (colour-blind safe), and every status is also written out.
 */
import type { Change, Digest, Headline, Status } from './digest.ts';

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;
const num = (v: number) => String(Math.round(v * 100) / 100);

function formatValue(v: number | null, unit: Headline['unit'] | Change['unit']): string {
  if (v === null) return 'n/a';
  if (unit === 'share') return pct(v);
  if (unit === 'hours') return `${num(v)} h`;
  return num(v);
}

function formatDelta(now: number | null, before: number | null, unit: Headline['unit'] | Change['unit']) {
  if (now === null || before === null) return 'n/a';
  const d = now - before;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const abs = Math.abs(d);
  if (unit === 'share') return `${sign}${Math.round(abs * 1000) / 10} pts`;
  if (unit === 'hours') return `${sign}${num(abs)} h`;
  return `${sign}${num(abs)}`;
}

const STATUS_COLOUR: Record<Status, string> = {
  'on target': '#0072B2',
  close: '#E69F00',
  below: '#D55E00',
  'no data': '#666666',
};

const OWNERS = ['partner', 'internal', 'triage'] as const;

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export function renderDigestText(d: Digest): string {
  const r = d.report;
  const lines = [
    `${d.tenantName}: the partnership in ${d.month}`,
    '',
    'Headline figures (change from last month; target):',
    ...d.headlines.map(
      (h) =>
        `  ${h.label}: ${formatValue(h.value, h.unit)} (${formatDelta(h.value, h.previous, h.unit)} from ${d.previous.month}` +
        `${h.target !== null ? `; target ${pct(h.target)}, ${h.status}` : ''})`,
    ),
    '',
    `Largest changes from ${d.previous.month}:`,
    ...(d.changes.length
      ? d.changes.map(
          (c) =>
            `  ${c.label}: ${formatValue(c.previous, c.unit)} -> ${formatValue(c.current, c.unit)} (${formatDelta(c.current, c.previous, c.unit)})`,
        )
      : ['  none: no measure changed']),
    '',
    'Tickets by owner:',
    ...OWNERS.map((o) => `  ${o}: ${r.ticketsByOwner[o]}`),
    '',
    'Alert quality:',
    `  Alert tickets: ${r.alertQuality.tickets} (${r.alertQuality.occurrences} alerts, ${r.alertQuality.folded} repeats folded)`,
    `  Closed without action: ${formatValue(r.alertQuality.closedWithoutActionShare, 'share')} of ${r.alertQuality.closed} closed`,
    `  Mean time to acknowledge: ${r.alertQuality.meanMinutesToAcknowledge === null ? 'n/a' : `${r.alertQuality.meanMinutesToAcknowledge} min`}`,
    '',
    'Interruptions of internal IT:',
    `  After-hours tickets left to internal IT: ${r.interruptions.afterHoursInternalTickets}`,
    `  P1/P2 pages to internal IT: ${r.interruptions.urgentPagesToInternal}`,
    '',
    'Internal team pulse:',
    `  ${r.pulse.question}`,
    `  Mean ${r.pulse.mean === null ? 'n/a' : `${r.pulse.mean} of 5`} from ${r.pulse.count} of ${r.pulse.asked} asked`,
    ...r.pulse.comments.map((c) => `  "${c.replace(/\s+/g, ' ')}"`),
    '',
    d.dashboardUrl
      ? `The dashboard for ${d.month}: ${d.dashboardUrl}`
      : 'The dashboard shows the month in full.',
  ];
  return lines.join('\n');
}

const cell = 'padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;';
const th = `${cell}font-weight:600;`;

/** A bar chart as a table: one row per label, the bar's width its share of the largest value. */
function barTable(
  caption: string,
  rows: { label: string; value: number; text: string }[],
  colour: string,
  rowHeader = 'Owner',
) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return `<table role="table" style="border-collapse:collapse;margin:8px 0 16px;min-width:360px">
<caption style="text-align:left;font-weight:600;padding:4px 0">${escapeHtml(caption)}</caption>
<thead><tr><th scope="col" style="${th}">${escapeHtml(rowHeader)}</th><th scope="col" style="${th}">Count</th><th scope="col" style="${th}">Chart</th></tr></thead>
<tbody>${rows
    .map(
      (r) =>
        `<tr><th scope="row" style="${cell}font-weight:400">${escapeHtml(r.label)}</th><td style="${cell}">${escapeHtml(r.text)}</td>` +
        `<td style="${cell}width:200px"><div style="background:${colour};height:12px;width:${Math.round((r.value / max) * 100)}%"></div></td></tr>`,
    )
    .join('')}</tbody></table>`;
}

export function renderDigestHtml(d: Digest): string {
  const r = d.report;
  const headlineRows = d.headlines
    .map((h) => {
      const status = h.status
        ? `<span style="color:#fff;background:${STATUS_COLOUR[h.status]};padding:1px 6px;border-radius:3px">${escapeHtml(h.status)}</span>`
        : '';
      return `<tr><th scope="row" style="${cell}">${escapeHtml(h.label)}</th><td style="${cell}font-size:18px">${escapeHtml(formatValue(h.value, h.unit))}</td>
<td style="${cell}">${escapeHtml(formatDelta(h.value, h.previous, h.unit))}</td><td style="${cell}">${h.target === null ? '—' : escapeHtml(pct(h.target))}</td><td style="${cell}">${status}</td></tr>`;
    })
    .join('\n');
  const changes = d.changes.length
    ? `<ol>${d.changes
        .map(
          (c) =>
            `<li>${escapeHtml(c.label)}: ${escapeHtml(formatValue(c.previous, c.unit))} → <strong>${escapeHtml(formatValue(c.current, c.unit))}</strong> (${escapeHtml(formatDelta(c.current, c.previous, c.unit))})</li>`,
        )
        .join('')}</ol>`
    : '<p>No measure changed.</p>';
  const alertRows = OWNERS.map((o) => {
    const a = r.alertQuality.byOwner[o];
    return `<tr><th scope="row" style="${cell}font-weight:400">${o}</th><td style="${cell}">${a.tickets}</td><td style="${cell}">${a.folded}</td><td style="${cell}">${escapeHtml(formatValue(a.closedWithoutActionShare, 'share'))}</td><td style="${cell}">${a.meanMinutesToAcknowledge === null ? 'n/a' : `${a.meanMinutesToAcknowledge} min`}</td></tr>`;
  }).join('');
  const pulse = r.pulse;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`${d.tenantName}: the partnership in ${d.month}`)}</title></head>
<body style="font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;max-width:720px;margin:0 auto;padding:16px">
<h1 style="font-size:22px">${escapeHtml(d.tenantName)}: the partnership in ${escapeHtml(d.month)}</h1>
<h2 style="font-size:18px">Headline figures</h2>
<table role="table" style="border-collapse:collapse">
<thead><tr><th scope="col" style="${th}">Measure</th><th scope="col" style="${th}">${escapeHtml(d.month)}</th><th scope="col" style="${th}">Change from ${escapeHtml(d.previous.month)}</th><th scope="col" style="${th}">Target</th><th scope="col" style="${th}">Status</th></tr></thead>
<tbody>
${headlineRows}
</tbody></table>
<h2 style="font-size:18px">The largest changes from last month</h2>
${changes}
<h2 style="font-size:18px">Tickets</h2>
${barTable(
  `Tickets by owner, ${d.month}`,
  OWNERS.map((o) => ({ label: o, value: r.ticketsByOwner[o], text: String(r.ticketsByOwner[o]) })),
  '#0072B2',
)}
${barTable(
  `After-hours tickets by who took them, ${d.month}`,
  OWNERS.map((o) => ({ label: o, value: r.afterHoursByOwner[o], text: String(r.afterHoursByOwner[o]) })),
  '#009E73',
)}
<h2 style="font-size:18px">Alert quality</h2>
<p>${r.alertQuality.tickets} alert tickets from ${r.alertQuality.occurrences} alerts (${r.alertQuality.folded} repeats folded away);
${escapeHtml(formatValue(r.alertQuality.closedWithoutActionShare, 'share'))} of the closed ones needed no action.</p>
<table role="table" style="border-collapse:collapse">
<thead><tr><th scope="col" style="${th}">Owner</th><th scope="col" style="${th}">Alert tickets</th><th scope="col" style="${th}">Repeats folded</th><th scope="col" style="${th}">Closed without action</th><th scope="col" style="${th}">Mean time to acknowledge</th></tr></thead>
<tbody>${alertRows}</tbody></table>
<h2 style="font-size:18px">Interruptions of internal IT</h2>
<p>After-hours tickets left to internal IT: <strong>${r.interruptions.afterHoursInternalTickets}</strong>; P1/P2 pages to internal IT: <strong>${r.interruptions.urgentPagesToInternal}</strong>.</p>
<h2 style="font-size:18px">Internal team pulse</h2>
<p>${escapeHtml(pulse.question)}<br>Mean <strong>${pulse.mean === null ? 'n/a' : `${pulse.mean} of 5`}</strong> from ${pulse.count} of ${pulse.asked} asked.</p>
${barTable(
  'Answers by score (1 = less time, 5 = much more)',
  (['1', '2', '3', '4', '5'] as const).map((s) => ({
    label: s,
    value: pulse.distribution[s],
    text: String(pulse.distribution[s]),
  })),
  '#CC79A7',
  'Score',
)}
${pulse.comments.length ? `<ul>${pulse.comments.map((c) => `<li>“${escapeHtml(c)}”</li>`).join('')}</ul>` : ''}
${d.dashboardUrl ? `<p><a href="${escapeHtml(d.dashboardUrl)}">Open the dashboard for ${escapeHtml(d.month)}</a></p>` : ''}
</body></html>`;
}
