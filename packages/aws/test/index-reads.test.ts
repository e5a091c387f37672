import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { IndexReads } from '../src/index-reads.ts';
import { RETIRED_INDEXES, TABLE_INDEXES } from '../src/table.ts';

/** A document client answering queries by index name: a table mid-upgrade, as DynamoDB answers. */
function tableWith(answers: Record<string, () => unknown>) {
  const asked: string[] = [];
  const doc = {
    send: async (command: { input: { IndexName?: string } }) => {
      const name = command.input.IndexName ?? '';
      asked.push(name);
      const answer = answers[name];
      if (!answer) {
        throw Object.assign(new Error(`The table does not have the specified index: ${name}`), {
          name: 'ValidationException',
        });
      }
      return answer();
    },
  } as unknown as DynamoDBDocumentClient;
  return { doc, asked };
}

const validation = (message: string) => () => {
  throw Object.assign(new Error(message), { name: 'ValidationException' });
};

describe('reading an index a deployed stage may not have yet', () => {
  it('reads the retired index while the new one is still filling, and keeps to it for a while', async () => {
    const { doc, asked } = tableWith({
      [TABLE_INDEXES.tickets.name]: validation('Cannot read from backfilling global secondary index'),
      [RETIRED_INDEXES.tickets.name]: () => ({ Items: [{ pk: 'a', sk: 'TICKET' }] }),
    });
    const reads = new IndexReads(doc, 't');
    expect((await reads.query('tickets', { KeyConditionExpression: 'x' })).Items).toEqual([
      { pk: 'a', sk: 'TICKET' },
    ]);
    await reads.query('tickets', { KeyConditionExpression: 'x' });
    expect(asked).toEqual([
      TABLE_INDEXES.tickets.name,
      RETIRED_INDEXES.tickets.name,
      RETIRED_INDEXES.tickets.name,
    ]);
  });

  it('reads the retired index while the new one does not exist', async () => {
    const { doc, asked } = tableWith({ [RETIRED_INDEXES.outbox.name]: () => ({ Items: [] }) });
    await new IndexReads(doc, 't').query('outbox', { KeyConditionExpression: 'x' });
    expect(asked).toEqual([TABLE_INDEXES.outbox.name, RETIRED_INDEXES.outbox.name]);
  });

  it('passes on any other refusal (a cursor it did not issue), without trying the retired index', async () => {
    const { doc, asked } = tableWith({
      [TABLE_INDEXES.open.name]: validation('The provided starting key is invalid'),
    });
    await expect(new IndexReads(doc, 't').query('open', { KeyConditionExpression: 'x' })).rejects.toThrow(
      /starting key/,
    );
    expect(asked).toEqual([TABLE_INDEXES.open.name]);
  });
});
