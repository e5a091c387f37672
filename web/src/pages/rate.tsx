import { useState } from 'preact/hooks';
import { ApiError, commentOnRating, type Rating, rateTicket } from '../api.ts';
import { Layout } from './layout.tsx';
import { useTokenLink } from './token-link.ts';

const RATING_TEXT: Record<Rating, string> = { good: 'Good', okay: 'Okay', bad: 'Bad' };

/** `/rate/{token}/{rating}`: the link of a resolution mail; null for any other path. */
export function ratingLinkOf(path: string): { token: string; rating: Rating } | null {
  const m = /^\/rate\/([A-Za-z0-9_-]{43})\/(good|okay|bad)\/?$/.exec(path);
  return m ? { token: m[1]!, rating: m[2] as Rating } : null;
}

type State =
  | { kind: 'sending' }
  | { kind: 'rated'; key: string }
  | { kind: 'commented'; key: string }
  | { kind: 'refused'; message: string };

/**
 * The rating a resolution mail's link records: opening the link rates (one click), then an
 * optional comment. No sign-in: the link's single-use token authorises exactly this.
 */
export function RatePage(props: { token: string; rating: Rating }) {
  const [state, setState] = useState<State>({ kind: 'sending' });
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);

  useTokenLink('/rate', () => {
    rateTicket(props.token, props.rating)
      .then((r) => setState({ kind: 'rated', key: r.key }))
      .catch((err: unknown) =>
        setState({
          kind: 'refused',
          message: err instanceof ApiError ? err.message : 'The rating could not be sent just now.',
        }),
      );
  });

  const send = async (event: Event) => {
    event.preventDefault();
    if (state.kind !== 'rated') return;
    try {
      await commentOnRating(props.token, comment.trim());
      setState({ kind: 'commented', key: state.key });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The comment could not be sent; try again.');
    }
  };

  return (
    <Layout>
      <h1>Rate your support</h1>
      <div role="status" aria-live="polite">
        {state.kind === 'sending' ? <p>Sending your rating…</p> : null}
        {state.kind === 'rated' || state.kind === 'commented' ? (
          <p>
            Thank you: you rated ticket <strong>{state.key}</strong> “{RATING_TEXT[props.rating]}”.
          </p>
        ) : null}
        {state.kind === 'commented' ? <p>Your comment was added.</p> : null}
      </div>
      {state.kind === 'refused' ? (
        <p class="notice" role="alert">
          {state.message.charAt(0).toUpperCase() + state.message.slice(1)}.
        </p>
      ) : null}
      {state.kind === 'rated' ? (
        <form class="card" onSubmit={send}>
          {error ? (
            <p class="notice" role="alert">
              {error}
            </p>
          ) : null}
          <label for="rating-comment">Comment (optional)</label>
          <textarea
            id="rating-comment"
            rows={4}
            maxLength={4000}
            required
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
          <button type="submit">Send comment</button>
        </form>
      ) : null}
    </Layout>
  );
}
