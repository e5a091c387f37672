import { useState } from 'preact/hooks';
import { ApiError, toUploads } from '../../api.ts';
import { FileInput } from '../conversation.tsx';
import type { ConsolePageProps, Owner, Priority, StaffTicket, Visibility } from './types.ts';
import { OWNER_NAMES, STATUS_NAMES } from './words.ts';

/** The actions on a ticket; each form posts to the public API and asks the page to re-read. */

type ActionProps = ConsolePageProps & { ticket: StaffTicket; onChanged: () => void };

/** Runs one action at a time, with its error (the server's words) and a confirmation to announce. */
function useAction(props: ActionProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = async (what: () => Promise<unknown>, confirmation: string) => {
    if (busy) return false;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await what();
      setDone(confirmation);
      props.onChanged();
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) props.onExpired();
      else setError(err instanceof ApiError ? err.message : 'That did not work; try again.');
      return false;
    } finally {
      setBusy(false);
    }
  };
  const feedback = (
    <>
      {error ? (
        <p class="notice" role="alert">
          {error}
        </p>
      ) : null}
      <p class="done" role="status">
        {done ?? ''}
      </p>
    </>
  );
  return { busy, run, feedback };
}

const path = (t: StaffTicket, rest: string) => `/tickets/${encodeURIComponent(t.id)}/${rest}`;

/** Status moves the lifecycle allows from each status (packages/model/src/ticket.ts). */
const NEXT: Record<StaffTicket['status'], StaffTicket['status'][]> = {
  new: ['acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'],
  acknowledged: ['in_progress', 'waiting_on_customer', 'resolved', 'closed'],
  in_progress: ['acknowledged', 'waiting_on_customer', 'resolved', 'closed'],
  waiting_on_customer: ['in_progress', 'acknowledged', 'resolved', 'closed'],
  resolved: ['closed', 'reopened'],
  closed: ['reopened'],
  reopened: ['acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'],
};

const VERBS: Record<string, string> = {
  acknowledged: 'Acknowledge',
  in_progress: 'Start work',
  waiting_on_customer: 'Wait on customer',
  resolved: 'Resolve',
  closed: 'Close',
  reopened: 'Reopen',
};

export function StatusActions(props: ActionProps) {
  const t = props.ticket;
  const { busy, run, feedback } = useAction(props);
  const next = NEXT[t.status];
  return (
    <div class="action">
      <h3>Status</h3>
      <div class="buttons">
        {next.map((status) => (
          <button
            key={status}
            type="button"
            class={status === 'resolved' ? '' : 'secondary'}
            disabled={busy}
            onClick={() =>
              void run(
                () => props.api.request('POST', path(t, 'status'), { status }),
                `${t.key} is now ${STATUS_NAMES[status].toLowerCase()}.`,
              )
            }
          >
            {VERBS[status]}
          </button>
        ))}
      </div>
      {feedback}
    </div>
  );
}

export function PriorityForm(props: ActionProps) {
  const t = props.ticket;
  const { busy, run, feedback } = useAction(props);
  const [priority, setPriority] = useState<Priority>(t.priority ?? 'P3');
  const [reason, setReason] = useState('');
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void run(
          () =>
            props.api.request('POST', path(t, 'priority'), {
              priority,
              ...(reason.trim() ? { reason: reason.trim() } : {}),
            }),
          `${t.key} is now ${priority}.`,
        ).then((ok) => ok && setReason(''));
      }}
    >
      <h3>Priority</h3>
      <label for="priority">New priority</label>
      <select id="priority" value={priority} onChange={(e) => setPriority(e.currentTarget.value as Priority)}>
        {(['P1', 'P2', 'P3', 'P4'] as const).map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
      <label for="priority-reason">Why (optional)</label>
      <input id="priority-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <button type="submit" disabled={busy || priority === t.priority}>
        Change priority
      </button>
      {feedback}
    </form>
  );
}

const AUDIENCE: Record<Visibility, string> = {
  public: 'Public reply: the requester reads it, by email and in the portal',
  shared: 'Shared note: internal IT and the MSP partner',
  internal: 'Internal note: internal IT only',
};

export function MessageForm(props: ActionProps) {
  const t = props.ticket;
  const { busy, run, feedback } = useAction(props);
  const choices: Visibility[] =
    props.session.role === 'internal' ? ['public', 'internal', 'shared'] : ['public', 'shared'];
  const [visibility, setVisibility] = useState<Visibility>('public');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [reset, setReset] = useState(0);
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          const attachments = await toUploads(files);
          await props.api.request('POST', path(t, 'messages'), {
            visibility,
            text: text.trim(),
            ...(attachments.length ? { attachments } : {}),
          });
        }, 'Sent.').then((ok) => {
          if (!ok) return;
          setText('');
          setFiles([]);
          setReset((n) => n + 1);
        });
      }}
    >
      <h3>Reply or note</h3>
      <fieldset>
        <legend>Who may read it</legend>
        {choices.map((v) => (
          <label key={v} class="choice">
            <input
              type="radio"
              name="visibility"
              value={v}
              checked={visibility === v}
              onChange={() => setVisibility(v)}
            />{' '}
            {AUDIENCE[v]}
          </label>
        ))}
      </fieldset>
      <label for="message-text">Message</label>
      <textarea
        id="message-text"
        required
        rows={4}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <FileInput id="message-files" label="Attach files" onChange={setFiles} reset={reset} />
      <button type="submit" disabled={busy}>
        {visibility === 'public'
          ? 'Send public reply'
          : visibility === 'internal'
            ? 'Add internal note'
            : 'Add shared note'}
      </button>
      {feedback}
    </form>
  );
}

export function HandoffForm(props: ActionProps) {
  const t = props.ticket;
  const { busy, run, feedback } = useAction(props);
  const [reason, setReason] = useState('');
  const partner = props.session.role === 'partner';
  const targets: Exclude<Owner, 'triage'>[] = partner
    ? ['internal']
    : (['partner', 'internal'] as const).filter((o) => o !== t.owner);
  const [to, setTo] = useState(targets[0]);
  if (!t.owner || targets.length === 0) return null;
  const target = targets.includes(to!) ? to! : targets[0]!;
  const label = partner
    ? 'Hand back to internal IT'
    : target === 'internal'
      ? 'Take back to internal IT'
      : `Hand off to ${OWNER_NAMES[target]}`;
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void run(
          () => props.api.request('POST', path(t, 'reassign'), { to: target, reason: reason.trim() }),
          `${t.key} handed to ${OWNER_NAMES[target]}.`,
        ).then((ok) => ok && setReason(''));
      }}
    >
      <h3>Handoff</h3>
      {targets.length > 1 ? (
        <>
          <label for="handoff-to">Hand to</label>
          <select
            id="handoff-to"
            value={target}
            onChange={(e) => setTo(e.currentTarget.value as 'partner' | 'internal')}
          >
            {targets.map((o) => (
              <option key={o} value={o}>
                {OWNER_NAMES[o]}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <label for="handoff-reason">Reason for the handoff</label>
      <textarea
        id="handoff-reason"
        required
        rows={2}
        value={reason}
        onInput={(e) => setReason(e.currentTarget.value)}
      />
      <button type="submit" disabled={busy}>
        {label}
      </button>
      {feedback}
    </form>
  );
}
