import { ALWAYS_OPEN } from '@psa/calendar/resolved';
import type { Principal } from '@psa/http/auth';
import { assertTenant } from '@psa/http/auth';
import type { Clock } from '@psa/model/clock';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { NotFoundError } from '@psa/model/errors';
import type { BlobStore, MessageStore, TenantStore, TicketStore } from '@psa/model/ports';
import type { SlaStore } from '@psa/model/sla-clock';
import { viewSlaClock } from '@psa/model/sla-clock';
import type { Ticket } from '@psa/model/ticket';
import { assertCanRead, visibleOwners } from './access.ts';
import { visibleMessages } from './conversation/visibility.ts';
import { listMostUrgent, listNewest, slaStateOf, type TicketFilters } from './ticket-queries.ts';
import { fullMessageText, fullTicketText } from './ticket-text.ts';

export interface ReadDeps {
  tickets: TicketStore;
  sla: SlaStore;
  tenants: TenantStore;
  messages: MessageStore;
  /** Text longer than the records keep is read from here. */
  blobs: BlobStore;
  clock: Clock;
}

/**
 * The conversation as the API shows it, oldest first. A web or API ticket's request is its body,
 * not a stored message, so it is always shown first: email replies threaded into the ticket
 * later are added after it and never take its place.
 */
async function messagesOf(
  ticket: Ticket,
  body: string,
  deps: ReadDeps,
  viewer: Principal,
  known?: Awaited<ReturnType<ReadDeps['messages']['list']>>,
) {
  const listed = known ?? (await deps.messages.list(ticket.tenantId, ticket.id));
  // The files a web or API request was submitted with are kept as the message `initial`.
  const initial = listed.find((m) => m.id === INITIAL_MESSAGE_ID && ticket.channel !== 'email');
  const stored = await Promise.all(
    visibleMessages(
      viewer,
      listed.filter((m) => m !== initial),
    ).map(async (message) => {
      const { rawKey: _raw, textKey: _key, ...shown } = message;
      return { ...shown, text: await fullMessageText(message, deps.blobs) };
    }),
  );
  if (ticket.channel === 'email') return stored;
  const request = {
    id: INITIAL_MESSAGE_ID,
    kind: 'message' as const,
    direction: 'inbound' as const,
    from: {
      email: ticket.requester.email,
      ...(ticket.requester.name ? { name: ticket.requester.name } : {}),
    },
    sentAt: ticket.receivedAt,
    receivedAt: ticket.receivedAt,
    text: body,
    attachments: initial?.attachments ?? [],
    messageId: null,
    notes: [] as string[],
    visibility: 'public' as const,
  };
  return [request, ...stored];
}

/** The id of the message that keeps the files a web or API request was submitted with. */
export const INITIAL_MESSAGE_ID = 'initial';

/**
 * The API view of a ticket: its stored state with its whole text, the conversation `viewer` may
 * read, plus each SLA clock as of now.
 */
export async function viewTicket(
  ticket: Ticket,
  deps: ReadDeps,
  viewer: Principal,
  dow?: DivisionOfWork | null,
  /**
   * The ticket was created by this very request, without attachments: it has no messages and, as
   * far as this request can tell, no SLA clocks yet (routing starts them a moment later), so
   * neither is read.
   */
  justCreated = false,
) {
  const { version: _version, fullTextKey: _key, ...stored } = ticket;
  const text = await fullTicketText(ticket, deps.blobs);
  const rest = { ...stored, ...text };
  const [clocks, messages] = justCreated
    ? [[], await messagesOf(ticket, text.body, deps, viewer, [])]
    : await Promise.all([
        deps.sla.listClocks(ticket.tenantId, ticket.id),
        messagesOf(ticket, text.body, deps, viewer),
      ]);
  if (clocks.length === 0) return { ...rest, sla: [], messages, slaState: null };
  const doc = dow ?? (await deps.tenants.getDivisionOfWork(ticket.tenantId));
  const now = deps.clock.now();
  return {
    ...rest,
    messages,
    slaState: slaStateOf(clocks, now),
    sla: clocks.map((c) =>
      viewSlaClock(
        c,
        c.calendar === 'internal' && doc
          ? doc.internalCalendar
          : (doc?.partnerCoverage.calendar ?? ALWAYS_OPEN),
        now,
      ),
    ),
  };
}

export async function getTicket(
  cmd: { tenantId: string; ticketId: string; principal: Principal },
  deps: ReadDeps,
) {
  const ticket = assertCanRead(
    cmd.principal,
    cmd.tenantId,
    await deps.tickets.get(cmd.tenantId, cmd.ticketId),
  );
  return viewTicket(ticket, deps, cmd.principal);
}

/** A ticket's conversation as `principal` may read it, oldest first. */
export async function listMessages(
  cmd: { tenantId: string; ticketId: string; principal: Principal },
  deps: ReadDeps,
) {
  const ticket = assertCanRead(
    cmd.principal,
    cmd.tenantId,
    await deps.tickets.get(cmd.tenantId, cmd.ticketId),
  );
  const text = await fullTicketText(ticket, deps.blobs);
  return { items: await messagesOf(ticket, text.body, deps, cmd.principal) };
}

/** A page of tickets `principal` may see, filtered and ordered as asked (./ticket-queries.ts). */
export async function listTickets(
  cmd: {
    tenantId: string;
    principal: Principal;
    limit: number;
    cursor?: string;
    sort?: 'newest' | 'urgent';
  } & TicketFilters,
  deps: ReadDeps,
) {
  assertTenant(cmd.principal, cmd.tenantId);
  visibleOwners(cmd.principal);
  // Read first: an unknown tenant is 404 here as on every other route, not an empty page.
  const dow = await deps.tenants.getDivisionOfWork(cmd.tenantId);
  if (!dow) throw new NotFoundError(`tenant ${cmd.tenantId} not found`);
  // A partner asking for internal tickets gets an empty page, not a hint that they exist.
  const page = cmd.sort === 'urgent' ? await listMostUrgent(cmd, deps) : await listNewest(cmd, deps);
  return {
    items: await Promise.all(page.items.map((t) => viewTicket(t, deps, cmd.principal, dow))),
    nextCursor: page.nextCursor,
  };
}
