import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { projectionOf, TABLE_DEFINITION, type TABLE_INDEXES } from './table.ts';

/** An index's projection in CreateTable's shape. */
function projectionFor(index: (typeof TABLE_INDEXES)[keyof typeof TABLE_INDEXES]) {
  const p = projectionOf(index);
  return p.type === 'ALL'
    ? { ProjectionType: 'ALL' as const }
    : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...p.attributes] };
}

/**
 * Table administration for the local runtime and the tests (in AWS the CDK app creates the table
 * from the same TABLE_DEFINITION). No Lambda imports this module.
 */
/** Create the table (from the one TABLE_DEFINITION the CDK app also uses) if it is missing. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
  }
  const attrs = new Set<string>([TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey]);
  for (const idx of TABLE_DEFINITION.indexes) attrs.add(idx.pk).add(idx.sk);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attrs].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE_DEFINITION.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_DEFINITION.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE_DEFINITION.indexes.map((idx) => ({
        IndexName: idx.name,
        KeySchema: [
          { AttributeName: idx.pk, KeyType: 'HASH' },
          { AttributeName: idx.sk, KeyType: 'RANGE' },
        ],
        Projection: projectionFor(idx),
      })),
    }),
  );
}
