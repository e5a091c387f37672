import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type AnyIndex, projectionOf, TABLE_DEFINITION } from './table.ts';

/**
 * Table administration for the local runtime and the tests (in AWS the CDK app creates the table
 * from the same TABLE_DEFINITION). No Lambda imports this module.
 */

/** An index's projection in CreateTable's shape. */
export function projectionFor(index: AnyIndex) {
  const p = projectionOf(index);
  return p.type === 'INCLUDE'
    ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...p.attributes] }
    : { ProjectionType: p.type };
}

/** The table's GSIs in CreateTable's shape, from TABLE_DEFINITION. */
export function globalSecondaryIndexes() {
  return TABLE_DEFINITION.indexes.map((idx) => ({
    IndexName: idx.name,
    KeySchema: [
      { AttributeName: idx.pk, KeyType: 'HASH' as const },
      { AttributeName: idx.sk, KeyType: 'RANGE' as const },
    ],
    Projection: projectionFor(idx),
  }));
}

/** The key attributes of the table and its indexes, all strings. */
export function attributeDefinitions() {
  const attrs = new Set<string>([TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey]);
  for (const idx of TABLE_DEFINITION.indexes) attrs.add(idx.pk).add(idx.sk);
  return [...attrs].map((name) => ({ AttributeName: name, AttributeType: 'S' as const }));
}

/** Create the table (from the one TABLE_DEFINITION the CDK app also uses) if it is missing. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributeDefinitions(),
      KeySchema: [
        { AttributeName: TABLE_DEFINITION.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_DEFINITION.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: globalSecondaryIndexes(),
    }),
  );
}
