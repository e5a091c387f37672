/**
 * The staff console's ticket lists: filters the store cannot apply (workload, SLA state) applied
 * here page by page, the "most urgent first" order over the open tickets, and counts per owner.
 * Each listing reads a bounded number of tickets per request, so a request's cost never grows
 * with the tenant: a filtered page may come back short with a cursor to continue.
 */
import type { Principal } from '@psa/http/auth';
import { assertRole, assertTenant } from '@psa/http/auth';
import type { Clock } from '@psa/model/clock';
import { NotFoundError, ValidationError } from '@psa/model/errors';
import type { TenantStore, TicketStore } from '@psa/model/ports';
import type { SlaClockRecord, SlaStore } from '@psa/model/sla-clock';
import { isOpenStatus, type Owner, type Ticket, type TicketStatus } from '@psa/model/ticket';
import { visibleOwners } from './access.ts';

/** Due within this long counts as "due soon" (the four hours). */
export const DUE_SOON_MS = 4 * 60 * 60 * 1000;
/** Tickets one list request reads at most before answering with what it found and a cursor. */
export const MAX_EXAMINED = 500;
/** Tickets one count request reads at most; beyond it the counts say they are incomplete. */
export const MAX_COUNTED = 1000;

export type SlaState = 'breached' | 'due-soon';

/** What the listings read (a part of ./read-tickets.ts's ReadDeps). */
export interface QueryDeps {
  tickets: TicketStore;
  sla: SlaStore;
  tenants: TenantStore;
  clock: Clock;
}

export interface TicketFilters {
  status?: TicketStatus;
  owner?: Owner;
  workload?: string;
  sla?: SlaState;
}

const live = (c: SlaClockRecord) => !c.completedAt && c.pausedFor !== 'withdrawn';
const overdue = (c: SlaClockRecord, now: Date) =>
  c.breached || (live(c) && c.dueAt !== null && Date.parse(c.dueAt) <= now.getTime());

/**
 * Breached: a clock of the ticket missed its target (flagged by the SLA sweep, or past due and
 * still running). Due soon: not breached, and a running clock falls due within four hours.
 */
export function slaStateOf(clocks: readonly SlaClockRecord[], now: Date): SlaState | null {
  if (clocks.some((c) => overdue(c, now))) return 'breached';
  const soon = clocks.some(
    (c) =>
      live(c) &&
      c.pausedFor === null &&
      c.dueAt !== null &&
      Date.parse(c.dueAt) - now.getTime() <= DUE_SOON_MS,
  );
  return soon ? 'due-soon' : null;
}

/**
 * Sort key, most urgent first: breached clocks still running, then running clocks by due
 * instant, then paused ones by what remains of their target, then tickets without a running clock.
 */
function urgencyOf(ticket: Ticket, clocks: readonly SlaClockRecord[], now: Date): [number, number] {
  const running = clocks.filter(live);
  const late = running.filter((c) => overdue(c, now) && c.dueAt);
  if (late.length > 0) return [0, Math.min(...late.map((c) => Date.parse(c.dueAt!)))];
  const due = running.filter((c) => c.dueAt);
  if (due.length > 0) return [1, Math.min(...due.map((c) => Date.parse(c.dueAt!)))];
  if (running.length > 0) return [2, Math.min(...running.map((c) => c.targetMinutes))];
  return [3, Date.parse(ticket.receivedAt)];
}

/** The owners `principal` may list, narrowed by the `owner` filter (empty: nothing to show). */
function ownersFor(principal: Principal, owner: Owner | undefined): Owner[] | undefined {
  const scope = visibleOwners(principal);
  if (scope === 'all') return owner ? [owner] : undefined;
  if (scope === 'own') return owner ? [owner] : undefined;
  return owner ? (scope.includes(owner) ? [owner] : []) : scope;
}

const storeFilter = (f: TicketFilters) => (t: Ticket) =>
  (f.workload === undefined || t.workload === f.workload) &&
  (f.status === undefined || t.status === f.status);

async function clocksMatch(t: Ticket, f: TicketFilters, deps: QueryDeps, now: Date): Promise<boolean> {
  if (!f.sla) return true;
  return slaStateOf(await deps.sla.listClocks(t.tenantId, t.id), now) === f.sla;
}

/**
 * Newest first, any filter: reads the store's pages, asking each time for no more than the page
 * still needs, so the store's cursor after the last read is exactly where the next page starts.
 */
export async function listNewest(
  cmd: { tenantId: string; principal: Principal; limit: number; cursor?: string } & TicketFilters,
  deps: QueryDeps,
): Promise<{ items: Ticket[]; nextCursor: string | null }> {
  const owners = ownersFor(cmd.principal, cmd.owner);
  if (owners?.length === 0) return { items: [], nextCursor: null };
  const now = deps.clock.now();
  const keep = storeFilter(cmd);
  const items: Ticket[] = [];
  let cursor = cmd.cursor;
  let examined = 0;
  do {
    const page = await deps.tickets.list({
      tenantId: cmd.tenantId,
      limit: cmd.limit - items.length,
      ...(owners ? { owner: owners.length === 1 ? owners[0]! : owners } : {}),
      ...(cmd.status ? { status: cmd.status } : {}),
      ...(cursor ? { cursor } : {}),
      ...(visibleOwners(cmd.principal) === 'own' ? { requesterEmail: cmd.principal.email! } : {}),
    });
    examined += page.items.length;
    for (const t of page.items) if (keep(t) && (await clocksMatch(t, cmd, deps, now))) items.push(t);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < cmd.limit && examined < MAX_EXAMINED);
  return { items, nextCursor: cursor ?? null };
}

/** An "urgent" cursor is the position in the sorted open tickets: `o` and a number. */
function offsetOf(cursor: string | undefined): number {
  if (!cursor) return 0;
  const m = /^o(\d{1,6})$/.exec(cursor);
  if (!m) {
    throw new ValidationError('cursor is not one this API issued for this listing', [
      { path: 'query.cursor', message: 'invalid' },
    ]);
  }
  return Number(m[1]);
}

/**
 * Most urgent first: the open tickets only (a closed ticket has nothing due), sorted by
 * {@link urgencyOf}. Reads every open ticket of the owners in scope, which the open index keeps
 * small; the cursor is a position in that order.
 */
export async function listMostUrgent(
  cmd: { tenantId: string; principal: Principal; limit: number; cursor?: string } & TicketFilters,
  deps: QueryDeps,
): Promise<{ items: Ticket[]; nextCursor: string | null }> {
  const offset = offsetOf(cmd.cursor);
  const owners = ownersFor(cmd.principal, cmd.owner) ?? (['internal', 'partner', 'triage'] as Owner[]);
  if (cmd.status && !isOpenStatus(cmd.status)) return { items: [], nextCursor: null };
  const now = deps.clock.now();
  const keep = storeFilter(cmd);
  const open = (await Promise.all(owners.map((o) => deps.tickets.listOpen(cmd.tenantId, o))))
    .flat()
    .filter((t) => keep(t) && canList(cmd.principal, t));
  const keyed = await Promise.all(
    open.map(async (t) => {
      const clocks = await deps.sla.listClocks(t.tenantId, t.id);
      return { t, key: urgencyOf(t, clocks, now), state: slaStateOf(clocks, now) };
    }),
  );
  const sorted = keyed
    .filter((k) => !cmd.sla || k.state === cmd.sla)
    .sort(
      (a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || b.t.receivedAt.localeCompare(a.t.receivedAt),
    );
  const page = sorted.slice(offset, offset + cmd.limit).map((k) => k.t);
  const next = offset + cmd.limit;
  return { items: page, nextCursor: next < sorted.length ? `o${next}` : null };
}

const canList = (p: Principal, t: Ticket) => p.role !== 'requester' || t.requester.email === p.email;

export interface TicketCounts {
  total: number;
  byOwner: Partial<Record<Owner, number>>;
  /** False when the tenant has more tickets than one count reads ({@link MAX_COUNTED}). */
  complete: boolean;
}

/** How many tickets match the filters (all but the owner), per owner the caller may see. */
export async function countTickets(
  cmd: { tenantId: string; principal: Principal } & Omit<TicketFilters, 'owner'>,
  deps: QueryDeps,
): Promise<TicketCounts> {
  assertTenant(cmd.principal, cmd.tenantId);
  assertRole(cmd.principal, ['internal', 'partner'], 'count tickets');
  if (!(await deps.tenants.getDivisionOfWork(cmd.tenantId))) {
    throw new NotFoundError(`tenant ${cmd.tenantId} not found`);
  }
  const owners = ownersFor(cmd.principal, undefined);
  const byOwner: Partial<Record<Owner, number>> = {};
  for (const o of owners ?? (['internal', 'partner', 'triage'] as Owner[])) byOwner[o] = 0;
  const now = deps.clock.now();
  const keep = storeFilter(cmd);
  let total = 0;
  let examined = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.tickets.list({
      tenantId: cmd.tenantId,
      limit: 100,
      ...(owners ? { owner: owners } : {}),
      ...(cmd.status ? { status: cmd.status } : {}),
      ...(cursor ? { cursor } : {}),
    });
    examined += page.items.length;
    for (const t of page.items) {
      if (!keep(t) || !(await clocksMatch(t, cmd, deps, now))) continue;
      total++;
      if (t.owner && t.owner in byOwner) byOwner[t.owner] = (byOwner[t.owner] ?? 0) + 1;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor && examined < MAX_COUNTED);
  return { total, byOwner, complete: cursor === undefined };
}
