import { useRef, useState } from 'preact/hooks';
import { type Api, ApiError, type Attachment, type Message, type Ticket, toUploads } from '../api.ts';
import { formatTime } from '../status.ts';

/** A file input with its label; the chosen files are read back through `onChange`. */
export function FileInput(props: {
  id: string;
  label: string;
  onChange: (files: File[]) => void;
  reset: number;
}) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <input
        key={props.reset}
        id={props.id}
        type="file"
        multiple
        onChange={(e) => props.onChange([...(e.currentTarget.files ?? [])])}
      />
    </>
  );
}

const who = (m: Message, requester: string) =>
  m.direction === 'inbound' && m.from?.email === requester ? 'You' : (m.from?.name ?? 'IT support');

/** The public conversation of a ticket, oldest first (the API sends the requester nothing else). */
/** A message's files: a download button for each kept one, the size of each. */
export function Attachments(props: {
  attachments: readonly Attachment[];
  onDownload: (id: string, name: string) => Promise<void>;
}) {
  if (props.attachments.length === 0) return null;
  return (
    <ul class="attachments" aria-label="Attachments">
      {props.attachments.map((a) => (
        <li key={a.id}>
          {a.stored ? (
            <button type="button" class="link" onClick={() => void props.onDownload(a.id, a.name)}>
              Download {a.name}
            </button>
          ) : (
            <span>{a.name} (too large to keep)</span>
          )}{' '}
          <span class="size">({Math.ceil(a.size / 1024)} KB)</span>
        </li>
      ))}
    </ul>
  );
}

export function Conversation(props: { api: Api; ticket: Ticket; requester: string }) {
  const { ticket } = props;
  const download = async (attachmentId: string, name: string) => {
    const blob = await props.api.attachment(ticket.id, attachmentId);
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <section aria-label={`Conversation on ${ticket.key}`}>
      <h4>Conversation</h4>
      <ol class="conversation">
        {ticket.messages.map((m) => (
          <li key={m.id} class={`message ${m.direction}`}>
            <p class="meta">
              <strong>{who(m, props.requester)}</strong>{' '}
              <time dateTime={m.receivedAt}>{formatTime(m.receivedAt)}</time>
            </p>
            {m.text ? <p class="text">{m.text}</p> : null}
            <Attachments attachments={m.attachments} onDownload={download} />
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The requester's answer on one of their tickets, with optional files. */
export function ReplyForm(props: { api: Api; ticket: Ticket; onSent: () => void; onExpired: () => void }) {
  const { ticket } = props;
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [reset, setReset] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sending = useRef(false);
  const id = `reply-${ticket.id}`;

  const send = async (event: Event) => {
    event.preventDefault();
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setError(null);
    try {
      const attachments = await toUploads(files);
      await props.api.reply(ticket.id, { text: text.trim(), ...(attachments.length ? { attachments } : {}) });
      setText('');
      setFiles([]);
      setReset((n) => n + 1);
      props.onSent();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) props.onExpired();
      else setError(err instanceof ApiError ? err.message : 'The reply could not be sent; try again.');
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  return (
    <form class="reply" onSubmit={send}>
      {error ? (
        <p class="notice" role="alert">
          {error}
        </p>
      ) : null}
      <label for={id}>Reply on {ticket.key}</label>
      <textarea id={id} required rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <FileInput
        id={`${id}-files`}
        label={`Attach files to the reply on ${ticket.key}`}
        onChange={setFiles}
        reset={reset}
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Sending…' : `Send reply on ${ticket.key}`}
      </button>
    </form>
  );
}
