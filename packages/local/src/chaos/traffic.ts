import nodemailer from 'nodemailer';
import type { Endpoints } from '../endpoints.ts';
import type { ChaosItem } from './corpus.ts';

/** What became of one item: acknowledged (201/200, or 250), or refused for good (a 4xx/5xx it must not retry). */
export interface Delivery {
  item: ChaosItem;
  acknowledged: boolean;
  /** The web answer's ticket id. */
  ticketId?: string;
  /** HTTP status or SMTP reply code of the answer that settled it. */
  status?: number;
  /** Why it was refused. */
  refused?: string;
  attempts: number;
  /** Answers that asked for a retry (429, 5xx, SMTP 4xx), and calls that got no answer. */
  retried: { status: Record<string, number>; noAnswer: number };
  ackedAt?: number;
}

/** Where the runtime answers now; waits while it is restarting. */
export interface Target {
  ready(): Promise<Endpoints>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Exponential back-off with jitter, as the AWS SDKs and well-behaved clients do (capped at 2 s). */
const backoff = (attempt: number) => Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random());

const MAX_ATTEMPTS = 200;

/**
 * A well-behaved API client: one Idempotency-Key per ticket, the same on every retry; retries on
 * 429, 5xx and on no answer (connection refused or cut, timeout), with back-off; a 201 or 200 is
 * the acknowledgement; any other 4xx is final.
 */
export async function submitWeb(item: ChaosItem, token: string, target: Target): Promise<Delivery> {
  const d: Delivery = { item, acknowledged: false, attempts: 0, retried: { status: {}, noAnswer: 0 } };
  while (d.attempts < MAX_ATTEMPTS) {
    d.attempts++;
    const { http } = await target.ready();
    try {
      const res = await fetch(`${http}/v1/tenants/acme/tickets`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': item.key,
        },
        body: JSON.stringify({ subject: item.subject, body: item.body }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      d.status = res.status;
      if (res.status === 201 || res.status === 200) {
        d.acknowledged = true;
        d.ticketId = (JSON.parse(text) as { id: string }).id;
        d.ackedAt = Date.now();
        return d;
      }
      if (res.status !== 429 && res.status < 500) {
        d.refused = `${res.status} ${text.slice(0, 300)}`;
        return d;
      }
      d.retried.status[res.status] = (d.retried.status[res.status] ?? 0) + 1;
    } catch {
      d.retried.noAnswer++;
    }
    await sleep(backoff(d.attempts));
  }
  d.refused = `gave up after ${MAX_ATTEMPTS} attempts`;
  return d;
}

/**
 * A well-behaved mail server sending to the support address: the same message (same Message-ID)
 * on every retry; retries on a 4xx reply and on no answer; 250 is the acknowledgement; a 5xx
 * reply is final (the sender gets a bounce).
 */
export async function sendMail(item: ChaosItem, target: Target): Promise<Delivery> {
  const d: Delivery = { item, acknowledged: false, attempts: 0, retried: { status: {}, noAnswer: 0 } };
  while (d.attempts < MAX_ATTEMPTS) {
    d.attempts++;
    const { smtp } = await target.ready();
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: Number(new URL(smtp!).port),
      secure: false,
      ignoreTLS: true,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    try {
      await transport.sendMail({
        from: { name: item.fromName, address: item.from },
        to: 'support@acme.example',
        subject: item.subject,
        text: item.body,
        messageId: item.key,
      });
      d.acknowledged = true;
      d.status = 250;
      d.ackedAt = Date.now();
      return d;
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500) {
        d.status = code;
        d.refused = `${code} ${(err as Error).message.slice(0, 300)}`;
        return d;
      }
      if (code !== undefined) d.retried.status[code] = (d.retried.status[code] ?? 0) + 1;
      else d.retried.noAnswer++;
    } finally {
      transport.close();
    }
    await sleep(backoff(d.attempts));
  }
  d.refused = `gave up after ${MAX_ATTEMPTS} attempts`;
  return d;
}

/** Runs `work` over `items` with `concurrency` workers; `done` is called as each settles. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
  done: (result: R) => void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      done(await work(item));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
