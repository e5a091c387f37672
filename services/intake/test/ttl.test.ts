import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { IDEMPOTENCY_KEY_TTL_SECONDS } from '@psa/aws/dynamo-idempotency-store';
import { MAIL_SEEN_TTL_SECONDS } from '@psa/aws/dynamo-mail-store';
import { keys } from '@psa/aws/table';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Intake, startIntake } from './support.ts';

/**
 * Idempotency and dedupe records expire (the table's TTL attribute `expiresAt`) once the retry
 * window they protect is over, and count as gone from then on, before DynamoDB deletes them.
 */
let intake: Intake;
beforeAll(async () => {
  intake = await startIntake();
});
afterAll(() => intake.stop());

const expiresAtOf = async (key: { pk: string; sk: string }) =>
  (await intake.table.doc.send(new GetCommand({ TableName: intake.table.tableName, Key: key }))).Item
    ?.expiresAt;
const nowSeconds = () => Math.floor(intake.clock.now().getTime() / 1000);

describe('record expiry', () => {
  it('keeps an Idempotency-Key for a day, then lets it name a new request', async () => {
    const { idempotency } = intake.deps;
    expect(await idempotency.claim('acme', 'k1', 't-1', 'f1')).toEqual({ claimed: true });
    expect(await expiresAtOf(keys.idempotency('acme', 'k1'))).toBe(
      nowSeconds() + IDEMPOTENCY_KEY_TTL_SECONDS,
    );
    intake.clock.advance((IDEMPOTENCY_KEY_TTL_SECONDS - 60) * 1000);
    expect(await idempotency.claim('acme', 'k1', 't-2', 'f2')).toMatchObject({
      claimed: false,
      ticketId: 't-1',
    });
    intake.clock.advance(120_000);
    expect(await idempotency.claim('acme', 'k1', 't-3', 'f3')).toEqual({ claimed: true });
  });

  it('keeps a mail dedupe mark for a week, the longest a sending server retries', async () => {
    const { mail } = intake.deps;
    expect(await mail.markSeen('acme', 'hash-1')).toEqual({ first: true });
    expect(await expiresAtOf(keys.inboundMail('acme', 'hash-1'))).toBe(nowSeconds() + MAIL_SEEN_TTL_SECONDS);
    intake.clock.advance((MAIL_SEEN_TTL_SECONDS - 60) * 1000);
    expect(await mail.markSeen('acme', 'hash-1')).toMatchObject({ first: false });
    intake.clock.advance(120_000);
    expect(await mail.markSeen('acme', 'hash-1')).toEqual({ first: true });
  });

  it('expires an hourly auto-reply count after two hours', async () => {
    expect(await intake.deps.mail.takeAutoReply('acme', 'x@customer.example', '2026-06-16T14', 5)).toBe(true);
    expect(await expiresAtOf(keys.autoReplies('acme', 'x@customer.example', '2026-06-16T14'))).toBe(
      nowSeconds() + 7200,
    );
  });
});
