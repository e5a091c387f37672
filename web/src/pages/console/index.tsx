import type { StaffPageProps } from '../staff.tsx';

/** The ticket lists and ticket pages of internal IT and the partner (the console issue). */
export function TicketsPage(_props: StaffPageProps) {
  return <h1>Tickets</h1>;
}

/** Mail internal IT must look at before it becomes a ticket (the console issue). */
export function QuarantinePage(_props: StaffPageProps) {
  return <h1>Mail quarantine</h1>;
}
