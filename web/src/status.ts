import type { Ticket } from './api.ts';

const OWNERS = { partner: 'MSP service desk', internal: 'internal IT', triage: 'triage' } as const;

const STATUSES: Record<Exclude<Ticket['status'], 'new'>, string> = {
  acknowledged: 'Acknowledged',
  in_progress: 'In progress',
  waiting_on_customer: 'Waiting for you',
  resolved: 'Resolved',
  closed: 'Closed',
  reopened: 'Reopened',
};

/** A ticket's status in words a requester reads; a new ticket shows whether it was routed yet. */
export function statusText(ticket: Pick<Ticket, 'status' | 'owner'>): string {
  if (ticket.status !== 'new') return STATUSES[ticket.status];
  return ticket.owner ? `Routed to ${OWNERS[ticket.owner]}` : 'Received';
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const formatTime = (iso: string) => when.format(new Date(iso));
