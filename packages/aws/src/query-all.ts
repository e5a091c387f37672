import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { TABLE_INDEXES } from './table.ts';

/**
 * Every item a query matches, following DynamoDB's pagination (a Query returns at most 1 MB a
 * page: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html).
 */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The first item under `pk` in the sparse `lookup` index (ticket numbers, Message-IDs). */
export async function lookupFirst(
  doc: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
): Promise<Record<string, unknown> | null> {
  const out = await doc.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: TABLE_INDEXES.lookup.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE_INDEXES.lookup.pk },
      ExpressionAttributeValues: { ':pk': pk },
      Limit: 1,
    }),
  );
  return out.Items?.[0] ?? null;
}
