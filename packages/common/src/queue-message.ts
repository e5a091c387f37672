import { z } from 'zod';
import { OwnerSchema, PrioritySchema, RequesterSchema, RoutingDecisionSchema } from './ticket.ts';

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
  links: z.object({ self: z.string(), status: z.string() }),
});
export type RoutedTicketMessage = z.infer<typeof RoutedTicketMessageSchema>;

export const MAX_BODY_CHARS = 64 * 1024;
