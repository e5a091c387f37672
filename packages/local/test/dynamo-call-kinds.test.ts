import { describe, expect, it } from 'vitest';
import { describeCall } from '../src/dynamo-call-kinds.ts';

const S = (s: string) => ({ S: s });

describe('naming a DynamoDB call by the record it touches', () => {
  it.each([
    ['GetItem', { Key: { pk: S('T#acme#K#t-1'), sk: S('TICKET') } }, 'GetItem ticket'],
    ['PutItem', { Item: { pk: S('T#acme#K#t-1'), sk: S('SLA#partner.resolution') } }, 'PutItem SLA clock'],
    ['UpdateItem', { Key: { pk: S('T#acme'), sk: S('COUNTER#ticket') } }, 'UpdateItem ticket counter'],
    ['UpdateItem', { Key: { pk: S('RATE#ab12'), sk: S('RATE') } }, 'UpdateItem rate-limit bucket'],
    ['PutItem', { Item: { pk: S('T#acme#M#2026-11'), sk: S('F#t-1') } }, 'PutItem month fact'],
    ['Query', { IndexName: 'open' }, 'Query open-tickets index'],
    [
      'Query',
      { ExpressionAttributeValues: { ':pk': S('T#acme#K#t-1'), ':sla': S('SLA#') } },
      'Query SLA clocks',
    ],
    [
      'BatchGetItem',
      {
        RequestItems: {
          psa: {
            Keys: [
              { pk: S('T#acme#K#t-1'), sk: S('TICKET') },
              { pk: S('T#acme'), sk: S('DOW#CURRENT') },
            ],
          },
        },
      },
      'BatchGetItem division of work (current) + ticket',
    ],
  ])('%s %j is "%s"', (operation, body, name) => {
    expect(describeCall(operation, JSON.stringify(body))).toBe(name);
  });

  it('names only the operation when the body is not JSON', () => {
    expect(describeCall('GetItem', 'not json')).toBe('GetItem');
  });
});
