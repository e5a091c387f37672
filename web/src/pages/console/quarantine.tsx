import { useState } from 'preact/hooks';
import { ApiError } from '../../api.ts';
import { useLive } from './live.ts';
import type { ConsolePageProps, QuarantinedMail, QuarantinedMailDetail } from './types.ts';
import { formatTime } from './words.ts';

interface QuarantinePage {
  items: QuarantinedMail[];
  nextCursor: string | null;
}

/** Mail that could not become a ticket: why, from whom, its raw headers, and a reprocess button. */
export function QuarantineList(props: ConsolePageProps) {
  const cursor = props.location.query.get('cursor');
  const live = useLive<QuarantinePage>(
    props.api,
    `/mail/quarantine?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    props.onExpired,
  );
  return (
    <>
      <h1>Mail quarantine</h1>
      <p>
        Mail that did not become a ticket, with the reason. Look at its headers, then reprocess it once the
        cause is fixed.
      </p>
      {live.error ? (
        <p class="notice" role="alert">
          {live.error.message}
        </p>
      ) : null}
      {!live.data ? (
        <p>Loading…</p>
      ) : live.data.items.length === 0 ? (
        <p>No quarantined mail.</p>
      ) : (
        <ul class="quarantine" aria-label="Quarantined mail">
          {live.data.items.map((m) => (
            <QuarantinedItem key={m.id} {...props} mail={m} onChanged={() => void live.refresh()} />
          ))}
        </ul>
      )}
      <nav aria-label="Pages" class="pager">
        {cursor ? <a href="/quarantine">First page</a> : null}
        {live.data?.nextCursor ? (
          <a href={`/quarantine?cursor=${encodeURIComponent(live.data.nextCursor)}`}>Next page</a>
        ) : null}
      </nav>
    </>
  );
}

function QuarantinedItem(props: ConsolePageProps & { mail: QuarantinedMail; onChanged: () => void }) {
  const m = props.mail;
  const [detail, setDetail] = useState<QuarantinedMailDetail | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [ticket, setReprocessedTicket] = useState<string | null>(null);
  const name = m.subject ?? '(no subject)';
  const fail = (err: unknown) => {
    if (err instanceof ApiError && err.status === 401) props.onExpired();
    else
      setMessage({
        text: err instanceof ApiError ? err.message : 'That did not work; try again.',
        error: true,
      });
  };
  const toggleHeaders = async () => {
    if (detail) return setDetail(null);
    try {
      setDetail(
        await props.api.request<QuarantinedMailDetail>('GET', `/mail/quarantine/${encodeURIComponent(m.id)}`),
      );
    } catch (err) {
      fail(err);
    }
  };
  const reprocess = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const out = await props.api.request<{ outcome: string; ticketId?: string; reason?: string }>(
        'POST',
        `/mail/quarantine/${encodeURIComponent(m.id)}/reprocess`,
      );
      const still = out.outcome === 'quarantined';
      setMessage({
        text: still
          ? `Still quarantined: ${out.reason ?? 'the same reason'}.`
          : `Reprocessed: ${out.outcome}.`,
        error: still,
      });
      setReprocessedTicket(out.ticketId ?? null);
      props.onChanged();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="card">
      <h2 class="mail-subject">{name}</h2>
      <dl>
        <dt>Reason</dt>
        <dd>{m.reason}</dd>
        <dt>Sender</dt>
        <dd>{m.from ?? 'unknown'}</dd>
        <dt>Received</dt>
        <dd>
          <time dateTime={m.receivedAt}>{formatTime(m.receivedAt)}</time>
        </dd>
        <dt>State</dt>
        <dd>{m.status === 'reprocessed' ? 'Reprocessed' : 'Quarantined'}</dd>
      </dl>
      <div class="buttons">
        <button
          type="button"
          class="secondary"
          aria-expanded={detail !== null}
          onClick={() => void toggleHeaders()}
        >
          {detail ? 'Hide' : 'Show'} raw headers of “{name}”
        </button>
        {m.status === 'quarantined' ? (
          <button type="button" disabled={busy} onClick={() => void reprocess()}>
            Reprocess “{name}”
          </button>
        ) : null}
      </div>
      {message ? (
        <p class={message.error ? 'notice' : 'done'} role={message.error ? 'alert' : 'status'}>
          {message.text}{' '}
          {ticket ? <a href={`/tickets/${encodeURIComponent(ticket)}`}>Open the ticket</a> : null}
        </p>
      ) : null}
      {detail ? (
        <figure class="headers">
          <figcaption>Raw headers of “{name}”</figcaption>
          <pre>
            {detail.headers}
            {detail.headersTruncated ? '\n…(cut at 64 KB)' : ''}
          </pre>
        </figure>
      ) : null}
    </li>
  );
}
