import { TicketListPage } from './list.tsx';
import { QuarantineList } from './quarantine.tsx';
import { TicketPage } from './ticket.tsx';
import type { ConsolePageProps } from './types.ts';

/**
 * The staff console (issue 11): the ticket lists and ticket pages of internal IT and the partner
 * (`/tickets`, `/tickets/{id}`), and the mail quarantine of internal IT (`/quarantine`). The API
 * decides what each role sees; these pages only leave out what a role cannot do.
 */
export function TicketsPage(props: ConsolePageProps) {
  const id = /^\/tickets\/([^/]+)\/?$/.exec(props.location.path)?.[1];
  return id ? <TicketPage {...props} ticketId={decodeURIComponent(id)} /> : <TicketListPage {...props} />;
}

/** Mail internal IT must look at before it becomes a ticket. */
export function QuarantinePage(props: ConsolePageProps) {
  return <QuarantineList {...props} />;
}
