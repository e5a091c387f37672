import { TrendChart } from './chart.tsx';
import { change, hours, monthName, OWNER_NAMES, percent, STATUS_TEXT, shortMonth } from './format.ts';
import type { Backlog, Figure, Owner, Relief, Status, Trends, UrgentTicket } from './model.ts';
import { DataTable } from './tables.tsx';

function Badge(props: { status: Status; target?: number }) {
  return (
    <span class={`status status-${props.status}`}>
      {STATUS_TEXT[props.status]}
      {props.target !== undefined ? ` (target ${percent(props.target)})` : ''}
    </span>
  );
}

/** The headline figures: text a person (and a test) reads, each with its month-over-month change. */
export function Headline(props: { relief: Relief }) {
  const r = props.relief;
  const mom = r.monthOverMonth;
  const before = monthName(mom.previousMonth);
  const sla = r.side === 'partner' ? r.slaOverall.partner : r.slaOverall.all;
  const figures: {
    id: string;
    name: string;
    value: string;
    note: string;
    status?: Status;
    target?: number;
  }[] = [
    {
      id: 'partner-share',
      name: 'Partner share',
      value: percent(r.partnerShare),
      note: `${change(mom.partnerShare, 'points')} from ${before}`,
      status: r.status.partnerShare,
      target: r.targets.partnerShare,
    },
    {
      id: 'after-hours',
      name: 'After-hours absorbed by the partner',
      value: percent(r.afterHoursPartnerShare),
      note: `of ${r.afterHoursTickets} after-hours tickets; ${mom.afterHoursTickets === null ? 'no figure for' : `${mom.afterHoursTickets >= 0 ? '+' : '−'}${Math.abs(mom.afterHoursTickets)} tickets from`} ${before}`,
      status: r.status.afterHoursAbsorbed,
      target: r.targets.afterHoursAbsorbed,
    },
    {
      id: 'hours-freed',
      name: 'Internal hours freed',
      value: hours(r.internalHoursFreed),
      note: `${change(mom.internalHoursFreed, 'hours')} from ${before}`,
    },
    {
      id: 'sla',
      name: r.side === 'partner' ? 'SLA attainment (partner)' : 'SLA attainment',
      value: percent(sla?.attainment ?? null),
      note: `${sla?.met ?? 0} of ${sla?.measured ?? 0} clocks met`,
      status: r.status.slaAttainment,
      target: r.targets.slaAttainment,
    },
  ];
  return (
    <section aria-labelledby="headline" class="card">
      <h2 id="headline">Headline figures, {monthName(r.month)}</h2>
      <dl class="headline">
        {figures.map((f) => (
          <div key={f.id} class="figure" data-figure={f.id}>
            <dt>{f.name}</dt>
            <dd>
              <span class="value">{f.value}</span>{' '}
              {f.status ? <Badge status={f.status} target={f.target} /> : null}
              <span class="note">{f.note}</span>
            </dd>
          </div>
        ))}
      </dl>
      <p class="note">
        {r.totalTickets.toLocaleString('en-US')} tickets received in {monthName(r.month)} ({r.timeZone}).
      </p>
    </section>
  );
}

const AGES: [string, string][] = [
  ['under4h', 'Under 4 h'],
  ['4to24h', '4–24 h'],
  ['1to3d', '1–3 days'],
  ['3to7d', '3–7 days'],
  ['over7d', 'Over 7 days'],
];
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'];

function TicketLink(props: { id: string; ticketKey: string; linked: boolean }) {
  return props.linked ? (
    <a href={`/tickets/${encodeURIComponent(props.id)}`}>{props.ticketKey}</a>
  ) : (
    props.ticketKey
  );
}

function Urgent(props: { title: string; items: UrgentTicket[]; linked: boolean; when: string }) {
  return (
    <div class="table-scroll">
      <table>
        <caption>{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">Ticket</th>
            <th scope="col">Owner</th>
            <th scope="col">Priority</th>
            <th scope="col">Clock</th>
            <th scope="col">{props.when}</th>
          </tr>
        </thead>
        <tbody>
          {props.items.length === 0 ? (
            <tr>
              <td colSpan={5}>None.</td>
            </tr>
          ) : (
            props.items.map((t) => (
              <tr key={`${t.id}-${t.clock}`}>
                <td>
                  <TicketLink id={t.id} ticketKey={t.key} linked={props.linked} />
                </td>
                <td>{OWNER_NAMES[t.owner] ?? t.owner}</td>
                <td>{t.priority ?? '–'}</td>
                <td>{t.clock}</td>
                <td>{t.dueAt.replace('T', ' ').slice(0, 16)} UTC</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Now: the open backlog by owner, priority and age; the oldest per owner; what is due or breached. */
export function Now(props: { backlog: Backlog; linked: boolean }) {
  const b = props.backlog;
  const owners = Object.keys(b.byOwner) as Owner[];
  return (
    <section aria-labelledby="now" class="card">
      <h2 id="now">Now</h2>
      <p class="note">
        {b.total} open tickets as of {b.asOf.replace('T', ' ').slice(0, 16)} UTC.
      </p>
      <DataTable
        caption="Open backlog by owner, priority and age"
        columns={[
          { label: 'Owner', format: 'text' },
          { label: 'Open', format: 'count' },
          ...PRIORITIES.map((p) => ({ label: p, format: 'count' as const })),
          ...AGES.map(([, label]) => ({ label, format: 'count' as const })),
        ]}
        rows={owners.map((o) => [
          OWNER_NAMES[o] ?? o,
          b.byOwner[o] ?? 0,
          ...PRIORITIES.map((p) => b.byPriority[o]?.[p] ?? 0),
          ...AGES.map(([id]) => b.byAge[o]?.[id] ?? 0),
        ])}
      />
      <div class="table-scroll">
        <table>
          <caption>Oldest open ticket per owner</caption>
          <thead>
            <tr>
              <th scope="col">Owner</th>
              <th scope="col">Ticket</th>
              <th scope="col">Received</th>
              <th scope="col" class="num">
                Age
              </th>
            </tr>
          </thead>
          <tbody>
            {owners.map((o) => {
              const t = b.oldestOpen[o];
              return (
                <tr key={o}>
                  <td>{OWNER_NAMES[o] ?? o}</td>
                  <td>
                    {t ? <TicketLink id={t.id} ticketKey={t.key} linked={props.linked} /> : 'None open'}
                  </td>
                  <td>{t ? `${t.receivedAt.replace('T', ' ').slice(0, 16)} UTC` : '–'}</td>
                  <td class="num">{t ? hours(t.ageHours) : '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Urgent
        title={`Due within ${b.dueSoonHours} hours`}
        items={b.dueSoon}
        linked={props.linked}
        when="Due"
      />
      <Urgent title="Breached and still open" items={b.breached} linked={props.linked} when="Breached" />
    </section>
  );
}

interface TrendSpec {
  id: string;
  label: string;
  unit: 'share' | 'hours' | 'count' | 'score';
  value: (p: Trends['points'][number]) => number | null | undefined;
  figure?: Figure;
}

const TRENDS: TrendSpec[] = [
  {
    id: 'partner-share',
    label: 'Partner share',
    unit: 'share',
    value: (p) => p.partnerShare,
    figure: 'partnerShare',
  },
  {
    id: 'after-hours',
    label: 'After-hours absorbed by the partner',
    unit: 'share',
    value: (p) => p.afterHoursAbsorbed,
    figure: 'afterHoursAbsorbed',
  },
  { id: 'hours-freed', label: 'Internal hours freed', unit: 'hours', value: (p) => p.internalHoursFreed },
  {
    id: 'sla',
    label: 'SLA attainment',
    unit: 'share',
    value: (p) => p.slaAttainment,
    figure: 'slaAttainment',
  },
  { id: 'backlog', label: 'Internal backlog at month end', unit: 'count', value: (p) => p.internalBacklog },
  { id: 'pulse', label: 'Team pulse mean (1 to 5)', unit: 'score', value: (p) => p.pulseMean },
];

/** Internal IT's own figures, which the partner's trends do not carry. */
const INTERNAL_ONLY = new Set(['backlog', 'pulse']);

/** The last twelve months: one chart per figure, its target line, and the same figures as a table. */
export function TrendCharts(props: { trends: Trends; print?: boolean; onDownload?: () => void }) {
  const t = props.trends;
  const months = t.points.map((p) => p.month);
  const specs = TRENDS.filter((s) => !INTERNAL_ONLY.has(s.id) || t.side === 'both');
  return (
    <section aria-labelledby="trends" class="card">
      <h2 id="trends">
        Trends, {monthName(t.from)} to {monthName(t.to)}
      </h2>
      <p class="note">
        {props.print
          ? ''
          : 'Solid line: the month’s figure. Dashed line: the target the division of work sets. '}
        On target at or above the target; close within {Math.round(t.amberMargin * 100)} points below it;
        below target otherwise.
      </p>
      {props.onDownload ? (
        <button type="button" class="link no-print" onClick={props.onDownload}>
          Download the trends as CSV
        </button>
      ) : null}
      <div class="charts">
        {specs.map((s) => {
          const values = t.points.map((p) => s.value(p) ?? null);
          const target = s.figure ? t.targets[s.figure] : undefined;
          const format =
            s.unit === 'share'
              ? percent
              : s.unit === 'hours'
                ? hours
                : (v: number | null) => (v === null ? '–' : String(v));
          return (
            <figure key={s.id} class="trend" data-chart={s.id}>
              <figcaption>
                {s.label}
                {target !== undefined ? ` (target ${percent(target)})` : ''}
              </figcaption>
              {props.print ? null : (
                <TrendChart
                  label={s.label}
                  months={months}
                  values={values}
                  unit={s.unit}
                  {...(target !== undefined ? { target } : {})}
                />
              )}
              <details open={props.print}>
                <summary>Table: {s.label} by month</summary>
                <div class="table-scroll">
                  <table>
                    <caption>{s.label} by month</caption>
                    <thead>
                      <tr>
                        <th scope="col">Month</th>
                        <th scope="col" class="num">
                          {s.label}
                        </th>
                        {s.figure ? <th scope="col">Against target</th> : null}
                      </tr>
                    </thead>
                    <tbody>
                      {t.points.map((p, i) => (
                        <tr key={p.month}>
                          <td>{shortMonth(p.month)}</td>
                          <td class="num">{format(values[i] ?? null)}</td>
                          {s.figure ? (
                            <td>
                              <Badge status={p.status[s.figure]} />
                            </td>
                          ) : null}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            </figure>
          );
        })}
      </div>
    </section>
  );
}
