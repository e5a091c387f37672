import { useEffect, useState } from 'preact/hooks';
import { type Api, ApiError } from '../api.ts';
import { monthName } from './dashboard/format.ts';
import type { StaffPageProps } from './staff-page.ts';

/** `GET /v1/tenants/{t}/pulse`: the month's question and the caller's own answer (null before answering). */
interface PulseRead {
  month: string;
  question: string;
  scale: Record<string, string>;
  answer: { score: number; comment: string | null; answeredAt: string } | null;
}

const sentence = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}${s.endsWith('.') ? '' : '.'}`;
const describe = (err: unknown) => (err instanceof Error ? sentence(err.message) : String(err));

/** The one place this page talks to the API. */
const readPulse = (api: Api) => api.request<PulseRead>('GET', '/pulse');
const answerPulse = (api: Api, month: string, score: number, comment: string) =>
  api.request<PulseRead['answer']>('POST', '/pulse', { month, score, ...(comment ? { comment } : {}) });

/**
 * The monthly team pulse in the console (`/team-pulse`, internal IT): the month's question, 1 to
 * 5 and an optional comment, answered once per person and month through the pulse API, the same
 * answer the invitation mail's link takes. A different second answer is the API's to refuse.
 */
export function TeamPulsePage(props: StaffPageProps) {
  const { api } = props;
  const [pulse, setPulse] = useState<PulseRead | null>(null);
  const [score, setScore] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const failed = (err: unknown) => {
    if (err instanceof ApiError && err.status === 401) props.onExpired();
    else setError(describe(err));
  };

  useEffect(() => {
    document.title = 'Team pulse';
    let live = true;
    readPulse(api)
      .then((p) => live && setPulse(p))
      .catch((err) => live && failed(err));
    return () => {
      live = false;
    };
  }, [api]);

  const send = async (event: Event) => {
    event.preventDefault();
    if (!pulse) return;
    if (!score) {
      setError('Choose an answer from 1 to 5.');
      return;
    }
    setError(null);
    setSending(true);
    try {
      const answer = await answerPulse(api, pulse.month, Number(score), comment.trim());
      setPulse({ ...pulse, answer });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        // Answered meanwhile (another tab, the mail's link): say so, and show the answer kept.
        setRefused(`${describe(err)} The pulse takes one answer per person and month; yours is kept.`);
        await readPulse(api).then(setPulse, failed);
      } else failed(err);
    } finally {
      setSending(false);
    }
  };

  const answer = pulse?.answer ?? null;
  return (
    <div class="team-pulse">
      <h1>Team pulse</h1>
      {refused ? (
        <p class="notice" role="alert">
          {refused}
        </p>
      ) : null}
      {error ? (
        <p class="notice" role="alert">
          {error}
        </p>
      ) : null}
      {!pulse ? (
        error ? null : (
          <p>Loading…</p>
        )
      ) : answer ? (
        <section class="card" aria-labelledby="pulse-answer">
          <h2 id="pulse-answer">Your answer for {monthName(pulse.month)}</h2>
          <p>{pulse.question}</p>
          <p role="status">
            You answered {answer.score}: {pulse.scale[String(answer.score)] ?? ''}.
          </p>
          {answer.comment ? (
            <p>
              Your comment: <q>{answer.comment}</q>
            </p>
          ) : null}
          <p class="note">
            One answer per person and month: next month brings the question again. Leadership sees the team’s
            mean, the count and the comments, not who said what.
          </p>
        </section>
      ) : (
        <form class="card" onSubmit={send}>
          <fieldset>
            <legend>
              {monthName(pulse.month)}: {pulse.question}
            </legend>
            {Object.entries(pulse.scale).map(([value, text]) => (
              <label key={value} class="choice">
                <input
                  type="radio"
                  name="team-pulse-score"
                  value={value}
                  checked={score === value}
                  onChange={() => setScore(value)}
                />
                {value}: {text}
              </label>
            ))}
          </fieldset>
          <label for="team-pulse-comment">Comment (optional)</label>
          <textarea
            id="team-pulse-comment"
            rows={4}
            maxLength={2000}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
          <p class="note">One answer per person and month; leadership sees the comments without names.</p>
          <button type="submit" disabled={sending}>
            Send answer
          </button>
        </form>
      )}
    </div>
  );
}
