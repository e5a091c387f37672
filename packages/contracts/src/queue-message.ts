import { ALWAYS_OPEN } from '@psa/calendar/schema';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { dueAfter } from '@psa/model/sla-clock';
import {
  OwnerSchema,
  PrioritySchema,
  RequesterSchema,
  RoutingDecisionSchema,
  type Ticket,
} from '@psa/model/ticket';
import { z } from 'zod';

/**
 * The message MSP dispatch (and internal IT's tooling) receives on the partner, internal or
 * triage queue: a versioned contract. Message attributes carry `tenant`, `owner`, `priority` and
 * `workload` for filtering without parsing the body.
 */
export const RoutedTicketMessageSchema = z.object({
  schema: z.literal('psa.routed-ticket'),
  version: z.literal(1),
  tenantId: z.string(),
  ticket: z.object({
    id: z.string(),
    number: z.number().int(),
    key: z.string(),
    subject: z.string(),
    /** The body, cut at 64 KB to stay far below SQS's message size limit. */
    body: z.string(),
    requester: RequesterSchema,
    channel: z.string(),
    receivedAt: z.iso.datetime(),
    owner: OwnerSchema,
    workload: z.string().nullable(),
    priority: PrioritySchema,
    afterHours: z.boolean(),
  }),
  decision: RoutingDecisionSchema,
  /**
   * SLA due instants as of this message, on the receiving side's calendar (the SLA service keeps
   * them current afterwards: pauses and priority changes move them; GET the ticket for the latest).
   */
  sla: z.object({
    calendar: z.enum(['partner', 'internal']),
    /** First response (a routed ticket) or acceptance (a handoff) is due by this instant. */
    responseDue: z.iso.datetime(),
    resolutionDue: z.iso.datetime(),
  }),
  /** Present when the ticket came to this queue by a handoff from the other side. */
  handoff: z.object({ from: OwnerSchema, reason: z.string(), at: z.iso.datetime() }).optional(),
  links: z.object({ self: z.string(), status: z.string() }),
});
export type RoutedTicketMessage = z.infer<typeof RoutedTicketMessageSchema>;

export const MAX_BODY_CHARS = 64 * 1024;

/** The message for the queue of the ticket's current owner. */
export function queueMessage(
  t: Ticket,
  dow: DivisionOfWork,
  handoff?: { from: Ticket['owner']; reason: string; at: string },
): { body: string; attributes: Record<string, string> } {
  const message: RoutedTicketMessage = RoutedTicketMessageSchema.parse({
    schema: 'psa.routed-ticket',
    version: 1,
    tenantId: t.tenantId,
    ticket: {
      id: t.id,
      number: t.number,
      key: t.key,
      subject: t.subject,
      body: t.body.slice(0, MAX_BODY_CHARS),
      requester: t.requester,
      channel: t.channel,
      receivedAt: t.receivedAt,
      owner: t.owner,
      workload: t.workload,
      priority: t.priority,
      afterHours: t.afterHours,
    },
    decision: t.routing,
    sla: slaDues(t, dow, handoff?.at),
    ...(handoff ? { handoff } : {}),
    links: {
      self: `/v1/tenants/${t.tenantId}/tickets/${t.id}`,
      status: `/v1/tenants/${t.tenantId}/tickets/${t.id}/status`,
    },
  });
  return {
    body: JSON.stringify(message),
    attributes: {
      tenant: t.tenantId,
      owner: t.owner!,
      priority: t.priority!,
      workload: t.workload ?? 'none',
    },
  };
}

/**
 * The dues a queue message announces: from receipt for a routed ticket, from the handoff for a
 * handed-over one (acceptance within the policy's handoff target, else the side's first response).
 */
export function slaDues(t: Ticket, dow: DivisionOfWork, handoffAt?: string) {
  const side = t.owner === 'internal' ? 'internal' : 'partner';
  const cal = side === 'internal' ? dow.internalCalendar : (dow.partnerCoverage.calendar ?? ALWAYS_OPEN);
  const targets = dow.slaTargets[side][t.priority ?? 'P3'];
  const start = new Date(handoffAt ?? t.receivedAt);
  const response =
    handoffAt && dow.slaPolicy?.handoffAcceptanceMinutes
      ? dow.slaPolicy.handoffAcceptanceMinutes
      : targets.firstResponseMinutes;
  return {
    calendar: side,
    responseDue: dueAfter(cal, start, response).toISOString(),
    resolutionDue: dueAfter(cal, start, targets.resolutionMinutes).toISOString(),
  } as const;
}
