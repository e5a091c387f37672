import { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '@psa/aws/s3-blob-store';
import { startFauxqs } from 'fauxqs';

/**
 * For tests that keep blobs the way the system does: the same S3 adapter against the embedded
 * S3 emulator the local runtime uses (fauxqs, in memory), with one fresh bucket.
 */
export async function startTestBucket(): Promise<{ blobs: S3BlobStore; stop: () => Promise<void> }> {
  const server = await startFauxqs({
    port: 0,
    host: '127.0.0.1',
    logger: false,
    init: { buckets: ['psa-test'] },
  });
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${server.port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    blobs: new S3BlobStore(client, 'psa-test'),
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}
