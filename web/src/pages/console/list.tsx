import { useEffect, useState } from 'preact/hooks';
import { navigate } from '../../router.ts';
import { useLive } from './live.ts';
import type { ConsolePageProps, Owner, StaffTicket, TicketCounts, TicketList } from './types.ts';
import { formatTime, OWNER_NAMES, STATUS_NAMES, ticketSla } from './words.ts';

/** The filters a list is narrowed by; every one lives in the URL's query. */
const FILTERS = ['owner', 'status', 'workload', 'sla', 'sort'] as const;
type Filter = (typeof FILTERS)[number];

const SLA_NAMES = { 'due-soon': 'Due within 4 hours', breached: 'Breached' } as const;

/** The query of `current` with `changes` applied; a filter change starts again at the first page. */
function withQuery(current: URLSearchParams, changes: Partial<Record<Filter | 'cursor', string | null>>) {
  const next = new URLSearchParams();
  for (const f of FILTERS) {
    const v = f in changes ? changes[f] : current.get(f);
    if (v) next.set(f, v);
  }
  if (changes.cursor) next.set('cursor', changes.cursor);
  const q = next.toString();
  return q ? `/tickets?${q}` : '/tickets';
}

export function TicketListPage(props: ConsolePageProps) {
  const { query } = props.location;
  const partner = props.session.role === 'partner';
  const owners: Owner[] = partner ? ['partner', 'triage'] : ['internal', 'partner', 'triage'];
  const owner = query.get('owner');
  const filterQuery = new URLSearchParams();
  for (const f of ['status', 'workload', 'sla'] as const) if (query.get(f)) filterQuery.set(f, query.get(f)!);
  const listQuery = new URLSearchParams(filterQuery);
  for (const f of ['owner', 'sort', 'cursor'] as const) if (query.get(f)) listQuery.set(f, query.get(f)!);
  listQuery.set('limit', '25');
  const list = useLive<TicketList>(props.api, `/tickets?${listQuery}`, props.onExpired);
  const counts = useLive<TicketCounts>(props.api, `/ticket-counts?${filterQuery}`, props.onExpired);
  const [workload, setWorkload] = useState(query.get('workload') ?? '');
  useEffect(() => setWorkload(query.get('workload') ?? ''), [query.get('workload')]);

  const countOf = (o: Owner | null) => {
    if (!counts.data) return '';
    const n = o ? counts.data.byOwner[o] : counts.data.total;
    return n === undefined ? '' : ` (${n}${counts.data.complete ? '' : '+'})`;
  };
  const tabs: { owner: Owner | null; label: string }[] = [
    { owner: null, label: 'All' },
    ...owners.map((o) => ({ owner: o, label: OWNER_NAMES[o] })),
  ];
  const select = (f: Filter, value: string) => navigate(withQuery(query, { [f]: value || null }));

  return (
    <>
      <h1>Tickets</h1>
      <nav aria-label="Ticket owners" class="tabs">
        <ul>
          {tabs.map((t) => (
            <li key={t.label}>
              <a
                href={withQuery(query, { owner: t.owner })}
                aria-current={(owner ?? null) === t.owner ? 'page' : undefined}
              >
                {t.label}
                {countOf(t.owner)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form
        class="filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          select('workload', workload.trim());
        }}
      >
        <div>
          <label for="filter-status">Status</label>
          <select
            id="filter-status"
            value={query.get('status') ?? ''}
            onChange={(e) => select('status', e.currentTarget.value)}
          >
            <option value="">Any status</option>
            {Object.entries(STATUS_NAMES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-sla">SLA</label>
          <select
            id="filter-sla"
            value={query.get('sla') ?? ''}
            onChange={(e) => select('sla', e.currentTarget.value)}
          >
            <option value="">Any SLA state</option>
            {Object.entries(SLA_NAMES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-sort">Order</label>
          <select
            id="filter-sort"
            value={query.get('sort') ?? 'newest'}
            onChange={(e) => select('sort', e.currentTarget.value === 'newest' ? '' : e.currentTarget.value)}
          >
            <option value="newest">Newest first</option>
            <option value="urgent">Most urgent first (open tickets)</option>
          </select>
        </div>
        <div class="workload">
          <label for="filter-workload">Workload</label>
          <span class="inline">
            <input
              id="filter-workload"
              value={workload}
              placeholder="e.g. hardware"
              onInput={(e) => setWorkload(e.currentTarget.value)}
            />
            <button type="submit">Apply</button>
          </span>
        </div>
      </form>
      {list.error ? (
        <p class="notice" role="alert">
          {list.error.message}
        </p>
      ) : null}
      {!list.data ? (
        <p>Loading…</p>
      ) : list.data.items.length === 0 ? (
        <p>No tickets match these filters.</p>
      ) : (
        <ul class="ticket-rows" aria-label="Tickets">
          {list.data.items.map((t) => (
            <TicketRow key={t.id} ticket={t} />
          ))}
        </ul>
      )}
      <nav aria-label="Pages" class="pager">
        {query.get('cursor') ? <a href={withQuery(query, {})}>First page</a> : null}
        {list.data?.nextCursor ? (
          <a href={withQuery(query, { cursor: list.data.nextCursor })}>Next page</a>
        ) : null}
      </nav>
    </>
  );
}

function TicketRow(props: { ticket: StaffTicket }) {
  const t = props.ticket;
  const sla = ticketSla(t);
  return (
    <li class="ticket-row">
      <a class="key" href={`/tickets/${encodeURIComponent(t.id)}`}>
        {t.key}
      </a>
      <span class="subject">{t.subject}</span>
      <span class="facts">
        <span>{STATUS_NAMES[t.status]}</span>
        <span>{t.owner ? OWNER_NAMES[t.owner] : 'Not routed yet'}</span>
        {t.priority ? <span>{t.priority}</span> : null}
        {t.workload ? <span>{t.workload}</span> : null}
        {sla ? <span class={`badge ${sla.tone}`}>{sla.text}</span> : null}
        <time dateTime={t.receivedAt}>{formatTime(t.receivedAt)}</time>
      </span>
    </li>
  );
}
