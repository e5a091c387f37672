import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startTestTable } from '@psa/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRICES, priceOf } from '../src/bench/cost.ts';
import { emptyUsage, meterAwsRequests, type Usage, writeUnitsOf } from '../src/bench/cost-meter.ts';
import { currentInvocation, invoking, observeInvocations } from '../src/invocations.ts';

const S = (s: string) => ({ S: s });
/** An item of about `bytes` bytes (DynamoDB sizes: attribute names plus values). */
const item = (bytes: number, extra: Record<string, { S: string }> = {}) => ({
  pk: S('T#a#K#1'),
  sk: S('TICKET'),
  body: S('x'.repeat(bytes - 'pk'.length - 7 - 'sk'.length - 6 - 'body'.length)),
  ...extra,
});

describe('write units from item sizes (DynamoDB rules)', () => {
  // The SLA due index projects every attribute.
  const inTickets = { duePk: S('DUE#2026-01-01T10'), dueSk: S('2026') };

  it('a new item outside every index costs its size in 1 KB steps', () => {
    expect(writeUnitsOf(undefined, item(1500))).toBe(2);
    expect(writeUnitsOf(undefined, item(1024))).toBe(1);
  });

  it('an index the item enters costs another put of the item', () => {
    expect(writeUnitsOf(undefined, item(1500, inTickets))).toBe(4);
  });

  it('replacing an item costs the larger of the two; an index entry whose key stays is updated once', () => {
    expect(writeUnitsOf(item(2900, inTickets), item(900, { ...inTickets, note: S('y') }))).toBe(3 + 1);
  });

  it('an index key that changes costs a delete and a put in the index', () => {
    const moved = { duePk: S('DUE#2026-01-01T10'), dueSk: S('2027') };
    expect(writeUnitsOf(item(900, inTickets), item(900, moved))).toBe(1 + 1 + 1);
  });

  it('an item leaving an index costs the delete of its entry; an unchanged item costs the table only', () => {
    expect(writeUnitsOf(item(2000, inTickets), item(2000))).toBe(2 + 2);
    expect(writeUnitsOf(item(2000, inTickets), item(2000, inTickets))).toBe(2);
  });
  it('an index projecting a few attributes costs the size of its keys and those, not the item', () => {
    // The lookup index keeps only the id a lookup leads to: a 3 KB ticket's entry is one unit.
    const byNumber = { lookupPk: S('T#a#N#1001'), lookupSk: S('TICKET'), id: S('t-1') };
    expect(writeUnitsOf(undefined, item(3000, byNumber))).toBe(3 + 1);
    // A change outside what it projects leaves its entry alone.
    expect(writeUnitsOf(item(3000, byNumber), item(3000, { ...byNumber, note: S('y') }))).toBe(3);
  });

  it('a ticket in the ticket-list indexes pays a small entry in each, and only when what they carry changes', () => {
    const listed = {
      id: S('t-1'),
      owner: S('triage'),
      status: S('new'),
      gsi1pk: S('T#a#TICKETS'),
      gsi1sk: S('2026#t-1'),
      gsi2pk: S('T#a#PARTNER'),
      gsi2sk: S('2026#t-1'),
      gsi3pk: S('T#a#REQ#ann@a.example'),
      gsi3sk: S('2026#t-1'),
    };
    // A ticket under 3 KB with its index attributes: the table, then one unit in each of the three indexes.
    expect(writeUnitsOf(undefined, item(2800, listed))).toBe(3 + 3);
    // Its outbox, decision or history change: the table alone.
    expect(writeUnitsOf(item(2800, listed), item(2800, { ...listed, note: S('routed') }))).toBe(3);
    // Routed to internal IT: it leaves the partner's list, the other two update their entries.
    const routed = { ...listed, owner: S('internal'), status: S('routed') };
    delete (routed as Partial<typeof routed>).gsi2pk;
    delete (routed as Partial<typeof routed>).gsi2sk;
    expect(writeUnitsOf(item(2800, listed), item(2800, routed))).toBe(3 + 3);
  });
});

describe('the meter on the SDK clients', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  beforeAll(async () => {
    table = await startTestTable();
  });
  afterAll(() => table.stop());

  it('counts only what a function invocation requests, in read and write units', async () => {
    const usage: Usage = emptyUsage();
    const stop = meterAwsRequests(() => usage, { dynamodbEndpoint: table.endpoint });
    try {
      const { doc, tableName } = table;
      const body = 'x'.repeat(5000);
      // The runtime's own request: not metered.
      await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'own', sk: 'x', body } }));
      await invoking({ functionId: 'IntakeApi', http: true }, async () => {
        await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'p', sk: 'a', body } }));
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: 'p', sk: 'a' },
            UpdateExpression: 'SET duePk = :p, dueSk = :s',
            ExpressionAttributeValues: { ':p': 'DUE#2026-01-01T10', ':s': '2026' },
          }),
        );
        await doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'p', sk: 'a' } }));
        await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :p',
            ExpressionAttributeValues: { ':p': 'p' },
            Select: 'COUNT',
          }),
        );
      });
      // Put 5 KB: 5 WRU; the update puts it into the due index too: 5 + 5. Get and Query: 4 KB steps, halved.
      expect(usage.writeUnits).toBe(5 + 10);
      expect(usage.readUnits).toBe(1 + 1);
      expect(usage.dynamoCalls).toEqual({ PutItem: 1, UpdateItem: 1, GetItem: 1, Query: 1 });
    } finally {
      stop();
    }
  });
  it('meters the same clients again under a later meter, once the first has stopped', async () => {
    const { doc, tableName } = table;
    const put = () =>
      invoking({ functionId: 'SlaSweep', http: false }, () =>
        doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'again', sk: 'a', n: 1 } })),
      );
    const first = emptyUsage();
    const stopFirst = meterAwsRequests(() => first, { dynamodbEndpoint: table.endpoint });
    await put();
    stopFirst();
    const second = emptyUsage();
    const stop = meterAwsRequests(() => second, { dynamodbEndpoint: table.endpoint });
    try {
      await put();
    } finally {
      stop();
    }
    await put();
    expect(first.dynamoCalls).toEqual({ PutItem: 1 });
    expect(second.dynamoCalls).toEqual({ PutItem: 1 });
  });
});

describe('invocations', () => {
  it('tell what runs inside them which function it serves, and observers how long they took', async () => {
    const seen: [string, number][] = [];
    const stop = observeInvocations((inv, ms) => seen.push([inv.functionId, ms]));
    expect(currentInvocation()).toBeUndefined();
    const inside = await invoking({ functionId: 'SlaSweep', http: false }, async () => currentInvocation());
    stop();
    expect(inside).toEqual({ functionId: 'SlaSweep', http: false });
    expect(seen.map(([id]) => id)).toEqual(['SlaSweep']);
    expect(seen[0]![1]).toBeGreaterThanOrEqual(0);
  });
});

describe('prices', () => {
  it('turn per-ticket quantities into the cost of 10,000 tickets with the dated price table', () => {
    const usage = { ...emptyUsage(), readUnits: 20, writeUnits: 10, events: 3, sqsRequests: 1 };
    const { per10k, total } = priceOf({
      tickets: 10,
      byFunction: new Map([['IntakeApi', { invocations: 10, billedMs: 1000, gbSeconds: 0.5, http: 10 }]]),
      usage,
      usageByFunction: new Map([['IntakeApi', usage]]),
      sesInbound: { messages: 0, chunks: 0 },
    });
    const usd = PRICES.usd;
    // Per ticket: 2 RRU, 1 WRU, 0.3 events, 0.1 SQS requests, 1 invocation of 0.05 GB-s, 1 API request.
    expect(per10k.dynamodb).toBeCloseTo(
      (2 * usd.dynamodbPerMillionReadRequestUnits + usd.dynamodbPerMillionWriteRequestUnits) / 100,
      10,
    );
    expect(per10k.eventbridge).toBeCloseTo((0.3 * usd.eventbridgePerMillionCustomEvents) / 100, 10);
    expect(per10k.lambda).toBeCloseTo(
      usd.lambdaPerMillionRequests / 100 + 500 * usd.lambdaArm64PerGbSecond,
      10,
    );
    expect(per10k.apiGateway).toBeCloseTo(usd.httpApiPerMillionRequests / 100, 10);
    expect(total).toBeCloseTo(
      Object.values(per10k).reduce((a, b) => a + b, 0),
      10,
    );
    expect(PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
