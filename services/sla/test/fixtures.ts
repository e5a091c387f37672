import {
  type DivisionOfWork,
  DivisionOfWorkSchema,
  defaultDivisionOfWork,
} from '@psa/common/division-of-work';
import type { Ticket } from '@psa/common/ticket';

/** The acme default: internal Mon-Fri 08:00-17:00 America/New_York with US holidays, partner 24x7. */
export const acmeDivisionOfWork = (): DivisionOfWork => DivisionOfWorkSchema.parse(defaultDivisionOfWork());

let seq = 0;

/** A routed ticket (owner and priority set), as the router leaves it. */
export function routedTicket(over: Partial<Ticket> = {}): Ticket {
  seq++;
  const receivedAt = over.receivedAt ?? '2026-11-20T21:00:00.000Z';
  return {
    tenantId: 'acme',
    id: `t-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    number: 1000 + seq,
    key: `ACME-${1000 + seq}`,
    subject: 'Printer on floor 3 is jammed',
    body: 'It keeps jamming.',
    channel: 'api',
    requester: { email: 'pat@acme.example' },
    requestedPriority: null,
    status: 'new',
    owner: 'internal',
    workload: 'hardware',
    priority: 'P3',
    afterHours: false,
    routing: null,
    handleMinutes: 45,
    receivedAt,
    updatedAt: receivedAt,
    firstRespondedAt: null,
    resolvedAt: null,
    history: [],
    replyTo: null,
    occurrences: 1,
    handoffs: [],
    version: 2,
    ...over,
  };
}
