import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CreateTicketBodySchema } from '@psa/contracts/http/intake-routes';
import { assertRole, assertTenant, type Principal } from '@psa/http/auth';
import type { Clock } from '@psa/model/clock';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@psa/model/errors';
import { TicketReceived, toBusEvent } from '@psa/model/events';
import { deliverOrDefer, eventEntry, type OutboxDeps, ticketReceivedEntryId } from '@psa/model/outbox';
import type {
  BlobStore,
  IdempotencyStore,
  OutboxEntry,
  OutboxRef,
  TenantStore,
  TicketStore,
} from '@psa/model/ports';
import { type Channel, type Requester, type Ticket, ticketKey } from '@psa/model/ticket';
import type * as z from 'zod';
import { keepTicketText } from './ticket-text.ts';

export interface SubmitDeps extends OutboxDeps {
  tickets: TicketStore;
  tenants: TenantStore;
  idempotency: IdempotencyStore;
  /** Where text longer than a ticket record keeps goes. */
  blobs: BlobStore;
  clock: Clock;
  logger: Pick<Logger, 'warn'>;
  newId?: () => string;
}

export interface SubmitCommand {
  tenantId: string;
  principal: Principal;
  input: z.infer<typeof CreateTicketBodySchema>;
  idempotencyKey?: string;
  channel?: Channel;
}

/**
 * Accept a ticket. It is persisted with its TicketReceived event in its outbox before this
 * returns, so an outage of the bus delays routing but never loses the ticket or its event.
 * A repeated Idempotency-Key returns the ticket the first request created, and creates nothing.
 */
export async function submitTicket(
  cmd: SubmitCommand,
  deps: SubmitDeps,
): Promise<{ ticket: Ticket; created: boolean }> {
  const { principal, tenantId } = cmd;
  assertTenant(principal, tenantId);
  assertRole(principal, ['requester', 'internal', 'partner'], 'submit tickets');
  const requester = resolveRequester(principal, cmd.input.requester);
  if (!(await deps.tenants.exists(tenantId))) throw new NotFoundError(`tenant ${tenantId} not found`);

  let id = (deps.newId ?? (() => crypto.randomUUID()))();
  if (cmd.idempotencyKey) {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([requester, cmd.input]))
      .digest('hex');
    const claim = await deps.idempotency.claim(
      tenantId,
      `${principal.sub}#${cmd.idempotencyKey}`,
      id,
      fingerprint,
    );
    if (!claim.claimed) {
      if (claim.fingerprint !== fingerprint) {
        throw new ConflictError('Idempotency-Key was already used for a different request');
      }
      const existing = await deps.tickets.get(tenantId, claim.ticketId);
      if (existing) return { ticket: existing, created: false };
      // The first attempt claimed the key and died before storing: finish its work under its id.
      id = claim.ticketId;
    }
  }

  return createTicket(
    {
      tenantId,
      id,
      subject: cmd.input.subject,
      body: cmd.input.body,
      channel: cmd.channel ?? cmd.input.channel ?? (principal.role === 'requester' ? 'web' : 'api'),
      requester,
      requestedPriority: cmd.input.priority ?? null,
    },
    deps,
  );
}

export interface NewTicket {
  tenantId: string;
  id: string;
  subject: string;
  body: string;
  channel: Channel;
  requester: Requester;
  requestedPriority: Ticket['requestedPriority'];
  replyTo?: string | null;
  /** The alert rule a monitoring alert was opened by (reporting counts alert tickets by it). */
  alert?: { rule: string };
  /**
   * The id may exist already (it is derived from what was received, and this is a redelivery):
   * look first, so a repeat returns the stored ticket without taking a ticket number.
   */
  mayExist?: boolean;
  /** Side effects to commit with the ticket (e.g. the email acknowledgement). */
  outbox?: (ticket: Ticket) => OutboxEntry[];
  /**
   * What else belongs to a new ticket before the world hears of it (the received mail as its
   * first message): run after the ticket is stored and before its outbox is delivered, so
   * routing, which TicketReceived starts, finds it. Only for a ticket this call created.
   */
  beforeDelivery?: (ticket: Ticket) => Promise<unknown>;
}

/**
 * Store a new ticket with its TicketReceived event (and any other side effects) in one write,
 * then deliver them. Creating an id that exists returns the stored ticket: every intake path
 * derives its id deterministically from what it received, so a retry converges. Everything that
 * can fail for good (the text, the check for a repeat) runs before a ticket number is taken, so
 * a number is used up only by a crash or an outage between taking it and the write.
 */
export async function createTicket(
  spec: NewTicket,
  deps: Pick<SubmitDeps, 'tickets' | 'blobs' | 'clock' | 'logger' | 'bus' | 'queue' | 'mailer' | 'outbox'>,
): Promise<{ ticket: Ticket; created: boolean }> {
  const { tenantId, id } = spec;
  if (spec.mayExist) {
    const stored = await deps.tickets.get(tenantId, id);
    if (stored) return { ticket: stored, created: false };
  }
  const text = await keepTicketText(spec, deps.blobs);
  const now = deps.clock.now().toISOString();
  const number = await deps.tickets.nextNumber(spec.tenantId);
  const ticket: Ticket = {
    tenantId,
    id,
    number,
    key: ticketKey(tenantId, number),
    ...text,
    channel: spec.channel,
    requester: spec.requester,
    requestedPriority: spec.requestedPriority,
    status: 'new',
    owner: null,
    workload: null,
    priority: null,
    afterHours: null,
    routing: null,
    handleMinutes: null,
    receivedAt: now,
    updatedAt: now,
    firstRespondedAt: null,
    resolvedAt: null,
    history: [],
    replyTo: spec.replyTo ?? null,
    occurrences: 1,
    ...(spec.alert ? { alert: spec.alert } : {}),
    handoffs: [],
    version: 1,
  };
  const receivedId = ticketReceivedEntryId(id);
  const entries = [
    eventEntry(
      receivedId,
      toBusEvent(TicketReceived, {
        eventId: receivedId,
        occurredAt: now,
        tenantId,
        ticketId: id,
        number,
        channel: ticket.channel,
        receivedAt: now,
        ticketVersion: 1,
      }),
    ),
    ...(spec.outbox?.(ticket) ?? []),
  ];
  let ref: OutboxRef;
  try {
    ref = await deps.tickets.create(ticket, entries);
  } catch (err) {
    if (err instanceof ConflictError) {
      const stored = await deps.tickets.get(tenantId, id);
      if (stored) return { ticket: stored, created: false };
    }
    throw err;
  }
  // Stored, so accepted: were this to fail, the reconciler still delivers the outbox.
  await spec.beforeDelivery?.(ticket);
  // The router's write of the ticket removes TicketReceived from its outbox (it is what the router
  // consumes, so delivered by then): no write of its own here when it is all there is.
  await deliverOrDefer(ref, entries, deps, { ticketId: id }, { leaveForNextWrite: [receivedId] });
  return { ticket, created: true };
}

function resolveRequester(principal: Principal, given: Requester | undefined): Requester {
  if (principal.role === 'requester') {
    if (given && given.email !== principal.email) {
      throw new ForbiddenError('a requester submits tickets only as themselves');
    }
    return {
      email: principal.email!,
      ...(principal.name ? { name: principal.name } : given?.name ? { name: given.name } : {}),
    };
  }
  if (!given) {
    throw new ValidationError('requester is required when staff submit on someone’s behalf', [
      { path: 'body.requester', message: `required for role ${principal.role}` },
    ]);
  }
  return given;
}
