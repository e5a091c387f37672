import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type Api, ApiError, type Ticket, toUploads } from '../api.ts';
import type { Session } from '../auth.ts';
import { formatTime, statusText } from '../status.ts';
import { Conversation, FileInput, ReplyForm } from './conversation.tsx';
import { Layout } from './layout.tsx';

/** How often "my tickets" refreshes while the page is visible. */
const POLL_MS = 3000;

/** The requester portal: report a problem, then follow it and earlier tickets. */
export function Portal(props: { session: Session; api: Api; onSignOut: () => void; onExpired: () => void }) {
  const { api, onExpired } = props;
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<Ticket | null>(null);

  const refresh = useCallback(async () => {
    try {
      setTickets(await api.listTickets());
      setListError(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) onExpired();
      else setListError('Your tickets could not be loaded just now; retrying.');
    }
  }, [api, onExpired]);

  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);

  const latest = submitted ? (tickets?.find((t) => t.id === submitted.id) ?? submitted) : null;
  return (
    <Layout who={props.session.email} onSignOut={props.onSignOut}>
      <h1>Get IT help</h1>
      <NewTicket
        api={api}
        onExpired={onExpired}
        onSubmitted={(t) => {
          setSubmitted(t);
          void refresh();
        }}
      />
      <div role="status" aria-live="polite" class="result">
        {latest ? (
          <p>
            Your ticket <strong class="ticket-key">{latest.key}</strong> was received. Status:{' '}
            <strong class="ticket-status">{statusText(latest)}</strong>
          </p>
        ) : null}
      </div>
      <MyTickets
        api={api}
        requester={props.session.email}
        tickets={tickets}
        error={listError}
        onChanged={() => void refresh()}
        onExpired={onExpired}
      />
    </Layout>
  );
}

function NewTicket(props: { api: Api; onSubmitted: (t: Ticket) => void; onExpired: () => void }) {
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [reset, setReset] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One key per ticket being written: a double click or a retry after a lost answer files it once.
  const idempotencyKey = useRef(crypto.randomUUID());

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const attachments = await toUploads(files);
      const ticket = await props.api.submitTicket(
        { subject: subject.trim(), body: body.trim(), ...(attachments.length ? { attachments } : {}) },
        idempotencyKey.current,
      );
      idempotencyKey.current = crypto.randomUUID();
      setSubject('');
      setBody('');
      setFiles([]);
      setReset((n) => n + 1);
      props.onSubmitted(ticket);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) props.onExpired();
      else setError(err instanceof ApiError ? err.message : 'The ticket could not be sent; try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-labelledby="new-ticket-title">
      <h2 id="new-ticket-title">Report a problem</h2>
      {error ? (
        <p class="notice" role="alert">
          {error}
        </p>
      ) : null}
      <label for="subject">Subject</label>
      <input
        id="subject"
        name="subject"
        required
        maxLength={200}
        value={subject}
        onInput={(e) => setSubject(e.currentTarget.value)}
      />
      <label for="description">Description</label>
      <textarea
        id="description"
        name="description"
        required
        rows={6}
        value={body}
        onInput={(e) => setBody(e.currentTarget.value)}
      />
      <FileInput id="attachments" label="Attachments (optional)" onChange={setFiles} reset={reset} />
      <button type="submit" disabled={busy}>
        {busy ? 'Submitting…' : 'Submit'}
      </button>
    </form>
  );
}

function MyTickets(props: {
  api: Api;
  requester: string;
  tickets: Ticket[] | null;
  error: string | null;
  onChanged: () => void;
  onExpired: () => void;
}) {
  return (
    <section aria-labelledby="my-tickets-title">
      <h2 id="my-tickets-title">My tickets</h2>
      {props.error ? <p class="notice">{props.error}</p> : null}
      {props.tickets === null ? (
        <p>Loading…</p>
      ) : props.tickets.length === 0 ? (
        <p>You have no tickets yet.</p>
      ) : (
        <ul class="tickets">
          {props.tickets.map((t) => (
            <li key={t.id} class="card">
              <h3>
                <span class="ticket-key">{t.key}</span> {t.subject}
              </h3>
              <dl>
                <dt>Status</dt>
                <dd class="ticket-status">{statusText(t)}</dd>
                <dt>Last update</dt>
                <dd>
                  <time dateTime={t.updatedAt}>{formatTime(t.updatedAt)}</time>
                </dd>
              </dl>
              <Conversation api={props.api} ticket={t} requester={props.requester} />
              <ReplyForm api={props.api} ticket={t} onSent={props.onChanged} onExpired={props.onExpired} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
