import { DynamoIdempotencyStore } from '@psa/aws/dynamo-idempotency-store';
import { DynamoMailStore } from '@psa/aws/dynamo-mail-store';
import { DynamoMessageStore } from '@psa/aws/dynamo-message-store';
import { DynamoModelStore } from '@psa/aws/dynamo-model-store';
import { DynamoOutboxStore } from '@psa/aws/dynamo-outbox';
import { DynamoPulseStore } from '@psa/aws/dynamo-pulse-store';
import { DynamoRateLimitStore } from '@psa/aws/dynamo-rate-limit-store';
import { DynamoRatingStore } from '@psa/aws/dynamo-rating-store';
import { DynamoReportStore } from '@psa/aws/dynamo-report-store';
import { DynamoSlaStore } from '@psa/aws/dynamo-sla-store';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import { ManualClock } from '@psa/model/clock';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { divisionOfWork } from './division-of-work.ts';
import { startTestTable } from './fixtures.ts';

/** Every store of the table, over one fresh emulator, reading time from one manual clock. */
export type TestStores = Awaited<ReturnType<typeof startTestStores>>;

/**
 * For use-case and API tests: a fresh emulator-backed table ({@link startTestTable}), a
 * {@link ManualClock} at `at`, every DynamoDB store on them (the stores that stamp times read the
 * clock), and the tenants' divisions of work stored: `acme` on the default unless given.
 */
export async function startTestStores(opts: { at: Date | string; divisionsOfWork?: DivisionOfWork[] }) {
  const table = await startTestTable();
  const clock = new ManualClock(opts.at);
  const now = () => clock.now();
  const { doc, tableName } = table;
  const stores = {
    tickets: new DynamoTicketStore(doc, tableName, now),
    tenants: new DynamoTenantStore(doc, tableName),
    outbox: new DynamoOutboxStore(doc, tableName),
    sla: new DynamoSlaStore(doc, tableName, now),
    reports: new DynamoReportStore(doc, tableName, now),
    idempotency: new DynamoIdempotencyStore(doc, tableName, now),
    messages: new DynamoMessageStore(doc, tableName),
    mail: new DynamoMailStore(doc, tableName, now),
    models: new DynamoModelStore(doc, tableName),
    rateLimits: new DynamoRateLimitStore(doc, tableName, now),
    ratings: new DynamoRatingStore(doc, tableName),
    pulse: new DynamoPulseStore(doc, tableName, now),
  };
  for (const dow of opts.divisionsOfWork ?? [divisionOfWork()]) await stores.tenants.putDivisionOfWork(dow);
  return { table, clock, ...stores, stop: () => table.stop() };
}
