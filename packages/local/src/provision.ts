import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient } from '@psa/aws/dynamo-client';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import type { QueueName } from '@psa/model/ports';
import { resolveDivisionOfWorkHolidays } from '@psa/routing/public-holidays';

export const RESOURCE_NAMES = {
  table: 'psa-local',
  bus: 'psa-local',
  bucket: 'psa-local-blobs',
  queues: { partner: 'psa-partner', internal: 'psa-internal', triage: 'psa-triage' } as Record<
    QueueName,
    string
  >,
};

/** Each dispatch queue with its dead-letter queue (redrive after 5 receives), as in AWS. */
export async function ensureQueues(client: SQSClient, endpoint: string): Promise<Record<QueueName, string>> {
  // fauxqs names queues `sqs.<region>.localhost:<port>`, which needs DNS tricks; the same queue
  // answers on the loopback endpoint by path, so hand out loopback URLs.
  const loopback = (url: string | undefined) => `${endpoint}${new URL(url!).pathname}`;
  const urls = {} as Record<QueueName, string>;
  for (const [name, queueName] of Object.entries(RESOURCE_NAMES.queues) as [QueueName, string][]) {
    const dlq = await client.send(new CreateQueueCommand({ QueueName: `${queueName}-dlq` }));
    const dlqArn = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: loopback(dlq.QueueUrl), AttributeNames: ['QueueArn'] }),
    );
    const q = await client.send(
      new CreateQueueCommand({
        QueueName: queueName,
        Attributes: {
          VisibilityTimeout: '300',
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn.Attributes?.QueueArn,
            maxReceiveCount: '5',
          }),
        },
      }),
    );
    urls[name] = loopback(q.QueueUrl);
  }
  return urls;
}

export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
  }
}

/** The runtime's own view of the tenants (seeding, the local OpenID provider's people). */
export const tenantStore = (tableName = RESOURCE_NAMES.table, dynamodbEndpoint?: string) =>
  new DynamoTenantStore(
    createDocumentClient(dynamodbEndpoint ? { endpoint: dynamodbEndpoint } : {}),
    tableName,
  );

/** Seed the demo tenant `acme` with the shipped division of work, on first start only. */
export async function seedDefaultTenant(tableName: string, dynamodbEndpoint?: string): Promise<boolean> {
  const tenants = tenantStore(tableName, dynamodbEndpoint);
  if (await tenants.getDivisionOfWork('acme')) return false;
  await tenants.putDivisionOfWork(
    resolveDivisionOfWorkHolidays(DivisionOfWorkSchema.parse(defaultDivisionOfWork('acme', 'Acme Corp'))),
  );
  return true;
}

/** The runtime's own clients: the given endpoints, else the SDK's (`AWS_ENDPOINT_URL_*`). */
export const clients = (endpoints: { dynamodb?: string; sqs?: string; s3?: string } = {}) => ({
  dynamodb: new DynamoDBClient(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}),
  sqs: new SQSClient(endpoints.sqs ? { endpoint: endpoints.sqs } : {}),
  s3: new S3Client({ forcePathStyle: true, ...(endpoints.s3 ? { endpoint: endpoints.s3 } : {}) }),
});
