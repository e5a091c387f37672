import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoOutboxStore } from '@psa/aws/dynamo-outbox';
import { DynamoReportStore } from '@psa/aws/dynamo-report-store';
import { DynamoSlaStore } from '@psa/aws/dynamo-sla-store';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import { ManualClock } from '@psa/model/clock';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import type { BusEvent } from '@psa/model/events';
import type { EventBus, SlaStore, TicketStore } from '@psa/model/ports';
import type { ReportStore } from '@psa/model/report-facts';
import type { Ticket } from '@psa/model/ticket';
import { startTestTable, ticketFixture } from '@psa/testing/fixtures';

/** An in-memory bus that records what it published; `down` simulates an outage. */
export class RecordingBus implements EventBus {
  readonly published: BusEvent[] = [];
  down = false;
  async publish(events: BusEvent[]): Promise<void> {
    if (this.down) throw new Error('bus unavailable');
    this.published.push(...events);
  }
}

export const silentLogger = () => new Logger({ serviceName: 'reporting-test', logLevel: 'SILENT' });

/** A fresh table with tenant `acme` (America/New_York, the default division of work). */
export async function startReporting(start = '2026-11-15T15:00:00.000Z') {
  const table = await startTestTable();
  const clock = new ManualClock(start);
  const now = () => clock.now();
  const tenants = new DynamoTenantStore(table.doc, table.tableName);
  await tenants.putDivisionOfWork(DivisionOfWorkSchema.parse(defaultDivisionOfWork()));
  const bus = new RecordingBus();
  const deps = {
    tickets: new DynamoTicketStore(table.doc, table.tableName, now) as TicketStore,
    tenants,
    sla: new DynamoSlaStore(table.doc, table.tableName, now) as SlaStore,
    reports: new DynamoReportStore(table.doc, table.tableName, now) as ReportStore,
    outbox: new DynamoOutboxStore(table.doc, table.tableName),
    bus,
    clock,
    logger: silentLogger(),
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
