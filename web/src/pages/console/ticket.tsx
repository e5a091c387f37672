import type { Api } from '../../api.ts';
import { Attachments } from '../conversation.tsx';
import { HandoffForm, MessageForm, PriorityForm, StatusActions } from './actions.tsx';
import { useLive } from './live.ts';
import type { ConsolePageProps, SlaClock, StaffTicket } from './types.ts';
import {
  clockName,
  clockState,
  formatTime,
  minutes,
  OWNER_NAMES,
  percent,
  routingSentence,
  STATUS_NAMES,
  VISIBILITY_NAMES,
} from './words.ts';

/** One ticket, kept current by polling; the actions the signed-in side may take on it. */
export function TicketPage(props: ConsolePageProps & { ticketId: string }) {
  const live = useLive<StaffTicket>(
    props.api,
    `/tickets/${encodeURIComponent(props.ticketId)}`,
    props.onExpired,
  );
  const t = live.data;
  if (live.error?.status === 404) {
    return (
      <>
        <h1>Ticket not found</h1>
        <p role="alert">
          This ticket does not exist, or it is not yours to see (it may have been handed to the other side).
        </p>
        <p>
          <a href="/tickets">Back to the tickets</a>
        </p>
      </>
    );
  }
  if (!t) {
    return live.error ? (
      <p class="notice" role="alert">
        {live.error.message}
      </p>
    ) : (
      <p>Loading…</p>
    );
  }
  const changed = () => void live.refresh();
  return (
    <article class="ticket">
      <p>
        <a href="/tickets">All tickets</a>
      </p>
      <h1>
        {t.key}: {t.subject}
      </h1>
      {live.error ? (
        <p class="notice" role="alert">
          {live.error.message}
        </p>
      ) : null}
      <dl class="facts-list">
        <dt>Status</dt>
        <dd>{STATUS_NAMES[t.status]}</dd>
        <dt>Owner</dt>
        <dd>{t.owner ? OWNER_NAMES[t.owner] : 'Not routed yet'}</dd>
        <dt>Priority</dt>
        <dd>{t.priority ?? '—'}</dd>
        <dt>Workload</dt>
        <dd>{t.workload ?? '—'}</dd>
        <dt>Requester</dt>
        <dd>{t.requester.name ? `${t.requester.name} <${t.requester.email}>` : t.requester.email}</dd>
        <dt>Received</dt>
        <dd>
          {formatTime(t.receivedAt)} by {t.channel}
        </dd>
      </dl>
      <div class="ticket-grid">
        <div>
          <Routing ticket={t} />
          <Clocks ticket={t} />
          <Handoffs ticket={t} />
        </div>
        <div>
          <Conversation api={props.api} ticket={t} />
          <section class="card" aria-labelledby="actions-h">
            <h2 id="actions-h">Actions</h2>
            <StatusActions {...props} ticket={t} onChanged={changed} />
            {props.session.role === 'internal' ? (
              <PriorityForm {...props} ticket={t} onChanged={changed} />
            ) : null}
            <MessageForm {...props} ticket={t} onChanged={changed} />
            <HandoffForm {...props} ticket={t} onChanged={changed} />
          </section>
        </div>
      </div>
    </article>
  );
}

function Routing(props: { ticket: StaffTicket }) {
  const r = props.ticket.routing;
  return (
    <section class="card" aria-labelledby="routing-h">
      <h2 id="routing-h">Routing decision</h2>
      <p>{routingSentence(props.ticket)}</p>
      {r ? (
        <>
          <h3>Reasons</h3>
          <ul class="reasons">
            {r.reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
          <dl>
            <dt>Rule</dt>
            <dd>{r.rule}</dd>
            <dt>Confidence</dt>
            <dd>{percent(r.confidence)}</dd>
            <dt>Runner-up</dt>
            <dd>{r.runnerUp ? `${r.runnerUp.workload} (${percent(r.runnerUp.confidence)})` : 'none'}</dd>
            <dt>Division of work</dt>
            <dd>version {r.divisionOfWorkVersion}</dd>
            <dt>Decided</dt>
            <dd>{formatTime(r.decidedAt)}</dd>
          </dl>
        </>
      ) : null}
    </section>
  );
}

function Clocks(props: { ticket: StaffTicket }) {
  const sides = (['internal', 'partner'] as const)
    .map((side) => ({ side, clocks: props.ticket.sla.filter((c) => c.calendar === side) }))
    .filter((s) => s.clocks.length > 0);
  return (
    <section class="card" aria-labelledby="sla-h">
      <h2 id="sla-h">SLA clocks</h2>
      {sides.length === 0 ? <p>No SLA clock runs yet (they start once the ticket is routed).</p> : null}
      {sides.map((s) => (
        <div key={s.side} class="table-wrap">
          <table>
            <caption>{OWNER_NAMES[s.side]}</caption>
            <thead>
              <tr>
                <th scope="col">Clock</th>
                <th scope="col">State</th>
                <th scope="col">Due</th>
                <th scope="col">Left</th>
              </tr>
            </thead>
            <tbody>
              {s.clocks.map((c) => (
                <ClockRow key={`${c.clock}-${c.cycle}`} clock={c} />
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

function ClockRow(props: { clock: SlaClock }) {
  const c = props.clock;
  const state = clockState(c);
  return (
    <tr>
      <th scope="row">{clockName(c)}</th>
      <td>
        <span class={`badge ${state.tone}`}>{state.text}</span>
      </td>
      <td>
        {c.completedAt
          ? `done ${formatTime(c.completedAt)}`
          : c.dueAt
            ? formatTime(c.dueAt)
            : 'moves while paused'}
      </td>
      <td>
        {c.completedAt
          ? '—'
          : `${minutes(c.remainingBusinessMinutes)} of ${minutes(c.targetMinutes)} business time`}
      </td>
    </tr>
  );
}

function Handoffs(props: { ticket: StaffTicket }) {
  const { handoffs } = props.ticket;
  if (handoffs.length === 0) return null;
  return (
    <section class="card" aria-labelledby="handoffs-h">
      <h2 id="handoffs-h">Handoffs</h2>
      <ol class="plain">
        {handoffs.map((h) => (
          <li key={h.at}>
            {formatTime(h.at)}: {OWNER_NAMES[h.from]} to {OWNER_NAMES[h.to]} ({h.by.email ?? h.by.role}):{' '}
            {h.reason}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Conversation(props: { api: Api; ticket: StaffTicket }) {
  const t = props.ticket;
  const download = async (attachmentId: string, name: string) => {
    const blob = await props.api.attachment(t.id, attachmentId);
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <section class="card" aria-labelledby="conversation-h">
      <h2 id="conversation-h">Conversation</h2>
      <ol class="conversation">
        {t.messages.map((m) => {
          const visibility = m.visibility ?? 'public';
          return (
            <li key={m.id} class={`message ${m.direction} ${visibility}`}>
              <p class="meta">
                <span class={`badge ${visibility}`}>{VISIBILITY_NAMES[visibility]}</span>{' '}
                <strong>{m.from?.name ?? m.from?.email ?? m.author?.email ?? 'System'}</strong>{' '}
                <time dateTime={m.receivedAt}>{formatTime(m.receivedAt)}</time>
              </p>
              {m.text ? <p class="text">{m.text}</p> : null}
              <Attachments attachments={m.attachments} onDownload={download} />
            </li>
          );
        })}
      </ol>
    </section>
  );
}
