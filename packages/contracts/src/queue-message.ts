import { ALWAYS_OPEN } from '@psa/calendar/resolved';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { dueAfter } from '@psa/model/sla-clock';
import {
  BODY_EXCERPT_BYTES,
  OwnerSchema,
  PrioritySchema,
  RequesterSchema,
  RoutingDecisionSchema,
  type Ticket,
  utf8Excerpt,
} from '@psa/model/ticket';
import * as z from 'zod';

/**
 * The message MSP dispatch (and internal IT's tooling) receives on the partner, internal or
 * triage queue: a versioned contract. Message attributes carry `tenant`, `owner`, `priority` and
 * `workload` for filtering without parsing the body.
 *
 * The body is JSON whose every character is one SQS accepts (#x9 | #xA | #xD | #x20-#xD7FF |
 * #xE000-#xFFFD | #x10000-#x10FFFF, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html):
 * any other code point in the ticket's text (U+FFFE, U+FFFF, a lone surrogate, a control
 * character) is written as a JSON `\uXXXX` escape, so a JSON parser reads back the exact text.
 * Read the body with a JSON parser, never by matching its raw characters.
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
    /**
     * The beginning of the body: at most 16 KiB of UTF-8 (what the ticket record keeps, see
     * BODY_EXCERPT_BYTES), so the message stays far below SQS's size limit. GET `links.self` for
     * the whole text.
     */
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

/** Characters SQS refuses in a message body, as code points (lone surrogates included). */
const REFUSED_BY_SQS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** The same, for a queue that also refuses every character beyond the BMP (see `escapeBeyondBmp`). */
const REFUSED_BY_BMP_ONLY_QUEUES = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu;

const jsonEscape = (char: string) =>
  [...char]
    .flatMap((c) => {
      const code = c.codePointAt(0)!;
      if (code < 0x10000) return [code];
      const offset = code - 0x10000;
      return [0xd800 + (offset >> 10), 0xdc00 + (offset & 0x3ff)];
    })
    .map((unit) => `\\u${unit.toString(16).padStart(4, '0')}`)
    .join('');

/**
 * JSON text with every character SQS refuses written as a `\uXXXX` escape. Those characters can
 * only stand inside JSON strings, where the escape means the same character, so the JSON reads
 * back unchanged. With `escapeBeyondBmp`, characters beyond U+FFFF (emoji) are escaped too, for
 * an SQS emulator that refuses them although SQS takes them.
 */
export function sqsSafeJson(json: string, opts: { escapeBeyondBmp?: boolean } = {}): string {
  return json.replace(opts.escapeBeyondBmp ? REFUSED_BY_BMP_ONLY_QUEUES : REFUSED_BY_SQS, jsonEscape);
}

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
      body: utf8Excerpt(t.body, BODY_EXCERPT_BYTES),
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
    body: sqsSafeJson(JSON.stringify(message)),
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
