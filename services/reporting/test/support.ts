import type { TicketStore } from '@psa/model/ports';
import type { ReportStore } from '@psa/model/report-facts';
import type { SlaStore } from '@psa/model/sla-clock';
import type { Ticket } from '@psa/model/ticket';
import { RecordingBus, silentLogger } from '@psa/testing/fakes';
import { ticketFixture } from '@psa/testing/fixtures';
import { startTestStores } from '@psa/testing/stores';

/** A fresh table with tenant `acme` (America/New_York, the default division of work). */
export async function startReporting(start = '2026-11-15T15:00:00.000Z') {
  const stores = await startTestStores({ at: start });
  const { table, clock } = stores;
  const bus = new RecordingBus();
  const deps = {
    tickets: stores.tickets as TicketStore,
    tenants: stores.tenants,
    messages: stores.messages,
    sla: stores.sla as SlaStore,
    reports: stores.reports as ReportStore,
    pulse: stores.pulse,
    outbox: stores.outbox,
    bus,
    clock,
    logger: silentLogger('reporting-test'),
  };
  return { table, clock, bus, deps, stop: () => table.stop() };
}

let counter = 0;
/** A ticket as the router leaves it: routed, open. */
export function routedTicket(over: Partial<Ticket> = {}): Ticket {
  const number = 1000 + ++counter;
  return ticketFixture({
    number,
    key: `ACME-${number}`,
    subject: 'Locked out',
    body: 'Locked out of my account.',
    channel: 'web',
    requester: { email: 'pat@acme.example' },
    owner: 'partner',
    workload: 'password-reset',
    priority: 'P3',
    afterHours: false,
    handleMinutes: 15,
    receivedAt: '2026-11-10T15:00:00.000Z',
    version: 2,
    ...over,
  });
}
