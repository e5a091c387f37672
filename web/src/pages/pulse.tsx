import { useState } from 'preact/hooks';
import { Layout } from './layout.tsx';
import { useTokenLink } from './token-link.ts';

/** `/pulse/{token}`: the link of a team pulse invitation; null for any other path. */
export function pulseLinkOf(path: string): string | null {
  return /^\/pulse\/([A-Za-z0-9_-]{43})\/?$/.exec(path)?.[1] ?? null;
}

interface PulseLink {
  tenant: string;
  month: string;
  question: string;
  scale: Record<string, string>;
  answered: boolean;
  expired: boolean;
}

type State =
  | { kind: 'loading' }
  | { kind: 'asking'; link: PulseLink }
  | { kind: 'answered'; month: string }
  | { kind: 'refused'; message: string };

/** The one place this page talks to the API: the link's public endpoint (no sign-in). */
async function pulseCall<T>(token: string, body?: unknown): Promise<T> {
  const res = await fetch(`/public/pulse/${encodeURIComponent(token)}`, {
    method: body ? 'POST' : 'GET',
    headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const data = (await res.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!res.ok) throw new Error(data?.error?.message ?? `the server answered ${res.status}`);
  return data as T;
}

const sentence = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}${s.endsWith('.') ? '' : '.'}`;

/**
 * The monthly team pulse, answered from the invitation mail's link: one question, 1 to 5, an
 * optional comment. No sign-in: the link's one-time token authorises one answer for one person.
 */
export function PulsePage(props: { token: string }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [score, setScore] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);

  useTokenLink('/pulse', () => {
    pulseCall<PulseLink>(props.token)
      .then((link) => {
        if (link.answered)
          setState({ kind: 'refused', message: 'this month’s pulse was already answered; thank you' });
        else if (link.expired) setState({ kind: 'refused', message: 'this pulse link has expired' });
        else setState({ kind: 'asking', link });
      })
      .catch((err: unknown) =>
        setState({ kind: 'refused', message: err instanceof Error ? err.message : String(err) }),
      );
  });

  const send = async (event: Event) => {
    event.preventDefault();
    if (state.kind !== 'asking' || !score) {
      setError('Choose an answer from 1 to 5.');
      return;
    }
    try {
      const trimmed = comment.trim();
      await pulseCall(props.token, { score: Number(score), ...(trimmed ? { comment: trimmed } : {}) });
      setState({ kind: 'answered', month: state.link.month });
    } catch (err) {
      setError(err instanceof Error ? sentence(err.message) : 'The answer could not be sent; try again.');
    }
  };

  return (
    <Layout>
      <h1>Team pulse</h1>
      <div role="status" aria-live="polite">
        {state.kind === 'loading' ? <p>Loading…</p> : null}
        {state.kind === 'answered' ? <p>Thank you: your answer for {state.month} was kept.</p> : null}
      </div>
      {state.kind === 'refused' ? (
        <p class="notice" role="alert">
          {sentence(state.message)}
        </p>
      ) : null}
      {state.kind === 'asking' ? (
        <form class="card" onSubmit={send}>
          {error ? (
            <p class="notice" role="alert">
              {error}
            </p>
          ) : null}
          <fieldset>
            <legend>
              {state.link.tenant}, {state.link.month}: {state.link.question}
            </legend>
            {Object.entries(state.link.scale).map(([value, text]) => (
              <label key={value} class="choice">
                <input
                  type="radio"
                  name="pulse-score"
                  value={value}
                  checked={score === value}
                  onChange={() => setScore(value)}
                />{' '}
                {value}: {text}
              </label>
            ))}
          </fieldset>
          <label for="pulse-comment">Comment (optional)</label>
          <textarea
            id="pulse-comment"
            rows={4}
            maxLength={2000}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
          <button type="submit">Send answer</button>
        </form>
      ) : null}
    </Layout>
  );
}
