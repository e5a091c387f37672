import type { DivisionOfWork, DivisionOfWorkInput } from '@psa/model/division-of-work';
import type { Ticket } from '@psa/model/ticket';
import { divisionOfWork } from '@psa/testing/division-of-work';
import { ticketFixture } from '@psa/testing/fixtures';

/** The acme default: internal Mon-Fri 08:00-17:00 America/New_York with US holidays, partner 24x7. */
export const acmeDivisionOfWork = (): DivisionOfWork => divisionOfWork();

let seq = 0;

/** A routed ticket (owner and priority set), as the router leaves it. */
export function routedTicket(over: Partial<Ticket> = {}): Ticket {
  seq++;
  return ticketFixture({
    id: `t-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    number: 1000 + seq,
    key: `ACME-${1000 + seq}`,
    subject: 'Printer on floor 3 is jammed',
    body: 'It keeps jamming.',
    requester: { email: 'pat@acme.example' },
    owner: 'internal',
    workload: 'hardware',
    priority: 'P3',
    afterHours: false,
    handleMinutes: 45,
    receivedAt: '2026-11-20T21:00:00.000Z',
    version: 2,
    ...over,
  });
}

/** The acme default with its SLA policy (and optionally its targets) changed. */
export function dowWith(
  policy: DivisionOfWorkInput['slaPolicy'],
  change: (doc: DivisionOfWorkInput) => void = () => {},
): DivisionOfWork {
  return divisionOfWork({
    change: (doc) => {
      change(doc);
      doc.slaPolicy = policy;
    },
  });
}

type Role = 'partner' | 'internal' | 'requester';

/** The ticket after a status change, as intake's lifecycle writes it. */
export function changeStatus(t: Ticket, to: Ticket['status'], at: string, role: Role): Ticket {
  const responded = ['acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'];
  return {
    ...t,
    status: to,
    updatedAt: at,
    firstRespondedAt: t.firstRespondedAt ?? (responded.includes(to) ? at : null),
    resolvedAt:
      to === 'reopened' ? null : (t.resolvedAt ?? (to === 'resolved' || to === 'closed' ? at : null)),
    history: [...t.history, { from: t.status, to, at, by: { role } }],
    version: t.version + 1,
  };
}

/** The ticket after a handoff to the other side, as intake's reassign writes it. */
export function handOff(t: Ticket, to: 'partner' | 'internal', at: string, role: Role): Ticket {
  return {
    ...t,
    owner: to,
    updatedAt: at,
    handoffs: [...t.handoffs, { from: t.owner!, to, reason: 'needs the other side', at, by: { role } }],
    version: t.version + 1,
  };
}
