import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Endpoints } from '../endpoints.ts';
import { type ArchivedEvent, type InjectedFault, readJournal } from './journal.ts';

/** A ticket as the API lists it (the fields the audit reads). */
export interface ListedTicket {
  id: string;
  subject: string;
  body: string;
  channel: string;
  owner: 'partner' | 'internal' | 'triage' | null;
  priority: 'P1' | 'P2' | 'P3' | 'P4' | null;
  status: string;
  afterHours: boolean | null;
  receivedAt: string;
  resolvedAt: string | null;
  sla: { clock: string; met: boolean | null; breached: boolean; warned: number[] }[];
}

export interface QuarantinedMail {
  id: string;
  subject: string | null;
  reason: string;
}

/** What a queue consumer got: the message's ticket and the decision (or handoff) it announces. */
export interface QueueTally {
  messages: number;
  /** Messages per ticket id. */
  perTicket: Map<string, number>;
  /** Distinct decisions per ticket id (`decision.decidedAt`, or `handoff.at` for a handoff). */
  decisions: Map<string, Set<string>>;
  /** Bodies that were not a routed-ticket message. */
  unreadable: number;
}

export interface Observation {
  tickets: ListedTicket[];
  quarantine: QuarantinedMail[];
  relief: Record<string, unknown>;
  backlog: Record<string, unknown>;
  events: ArchivedEvent[];
  faults: InjectedFault[];
  deadLetters: number;
}

export function newQueueTally(): QueueTally {
  return { messages: 0, perTicket: new Map(), decisions: new Map(), unreadable: 0 };
}

/** A small client of the API, as a user's script would write it; throws on anything but 200. */
async function getJson(http: string, token: string, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${http}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function allPages<T>(http: string, token: string, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page = (await getJson(
      http,
      token,
      `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )) as { items: T[]; nextCursor: string | null };
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Takes every message off the dispatch queues, as a consumer does (receive, then delete), and
 * counts them into `tally`. Reads the emulator directly: the consumer is not one of the functions.
 */
export async function drainQueues(endpoints: Endpoints, tally: QueueTally): Promise<void> {
  const sqs = new SQSClient({
    endpoint: endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    for (const url of Object.values(endpoints.queues)) {
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        const messages = out.Messages ?? [];
        if (messages.length === 0) break;
        for (const m of messages) count(tally, m.Body ?? '');
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    }
  } finally {
    sqs.destroy();
  }
}

function count(tally: QueueTally, body: string): void {
  tally.messages++;
  let message: { ticket?: { id?: string }; decision?: { decidedAt?: string }; handoff?: { at?: string } };
  try {
    message = JSON.parse(body);
  } catch {
    tally.unreadable++;
    return;
  }
  const id = message.ticket?.id;
  if (!id) {
    tally.unreadable++;
    return;
  }
  tally.perTicket.set(id, (tally.perTicket.get(id) ?? 0) + 1);
  const decision = message.handoff?.at ?? message.decision?.decidedAt ?? '?';
  const seen = tally.decisions.get(id) ?? new Set<string>();
  seen.add(decision);
  tally.decisions.set(id, seen);
}

/** Everything the audit judges, read from outside: the API, the journal, the dead-letter folder. */
export async function observe(opts: {
  endpoints: Endpoints;
  dataDir: string;
  token: string;
  month: string;
}): Promise<Observation> {
  const { http } = opts.endpoints;
  const tenant = '/v1/tenants/acme';
  const [tickets, quarantine, relief, backlog] = await Promise.all([
    allPages<ListedTicket>(http, opts.token, `${tenant}/tickets`),
    allPages<QuarantinedMail>(http, opts.token, `${tenant}/mail/quarantine`),
    getJson(http, opts.token, `${tenant}/reports/relief?month=${opts.month}`),
    getJson(http, opts.token, `${tenant}/reports/backlog`),
  ]);
  const journalFile = join(opts.dataDir, 'chaos.db');
  const { events, faults } = existsSync(journalFile) ? readJournal(journalFile) : { events: [], faults: [] };
  const deadLetterDir = join(opts.dataDir, 'dead-letters');
  const deadLetters = existsSync(deadLetterDir) ? (await readdir(deadLetterDir)).length : 0;
  return { tickets, quarantine, relief, backlog, events, faults, deadLetters };
}
