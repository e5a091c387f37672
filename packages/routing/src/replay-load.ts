import { ValidationError } from '@psa/model/errors';
import type { TicketStore } from '@psa/model/ports';
import type { Ticket } from '@psa/model/ticket';
import { OWNERS } from './backlog.ts';
import type { MonthWindow } from './replay.ts';

const DAY = 86_400_000;

export interface LoadedTickets {
  tickets: Ticket[];
  read: { ticketsIndex: number; openIndex: number };
  lookbackDays: number;
}

export interface LoadOptions {
  /** How far before the month tickets are read for carry-over (older ones still open come from the open index). */
  lookbackDays?: number;
  /** Refuse to read more than this many tickets (a request must finish within the API's 30 s). */
  maxTickets?: number;
  /** Where a refusal points (`body.month`, `query.month`). */
  monthPath?: string;
}

export const DEFAULT_LOOKBACK_DAYS = 90;
export const DEFAULT_MAX_TICKETS = 50_000;

/**
 * The tickets a replay of `window` needs: the month's, plus those that may carry over into it.
 * Reads the tickets index newest first down to `lookbackDays` before the month, then the open
 * index (all owners) for anything older that is still open. Its cost grows with the tickets
 * received since the lookback start, never with the tenant's whole history. What it cannot see:
 * a ticket received before the lookback window, open at the month's start and resolved since.
 */
export async function loadReplayTickets(
  tenantId: string,
  window: MonthWindow,
  deps: { tickets: Pick<TicketStore, 'list' | 'listOpen'> },
  opts: LoadOptions = {},
): Promise<LoadedTickets> {
  const lookbackDays = opts.lookbackDays ?? DEFAULT_LOOKBACK_DAYS;
  const maxTickets = opts.maxTickets ?? DEFAULT_MAX_TICKETS;
  const from = window.start.getTime() - lookbackDays * DAY;
  const end = window.end.getTime();
  const found = new Map<string, Ticket>();
  let read = 0;
  let cursor: string | undefined;
  let done = false;
  while (!done) {
    const page = await deps.tickets.list({ tenantId, limit: 250, ...(cursor ? { cursor } : {}) });
    for (const t of page.items) {
      const at = Date.parse(t.receivedAt);
      if (at < from) {
        done = true;
        break;
      }
      read++;
      if (at < end) found.set(t.id, t);
    }
    if (read > maxTickets) {
      throw new ValidationError(
        `replaying ${window.month} would read more than ${maxTickets} tickets (everything received since ${lookbackDays} days before it); run \`psa simulate\` against the table instead`,
        [{ path: opts.monthPath ?? 'month', message: `too many tickets to replay in one request` }],
      );
    }
    cursor = page.nextCursor ?? undefined;
    if (!cursor) done = true;
  }
  let openRead = 0;
  for (const owner of OWNERS) {
    for (const t of await deps.tickets.listOpen(tenantId, owner)) {
      openRead++;
      if (Date.parse(t.receivedAt) < end && !found.has(t.id)) found.set(t.id, t);
    }
  }
  return { tickets: [...found.values()], read: { ticketsIndex: read, openIndex: openRead }, lookbackDays };
}
