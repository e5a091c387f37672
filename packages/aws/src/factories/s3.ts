import { S3Client } from '@aws-sdk/client-s3';
import { traced } from '@psa/observability/tracer';
import type { BlobConfig } from '../config.ts';
import { S3BlobStore } from '../s3-blob-store.ts';

export function createBlobStore(config: BlobConfig): S3BlobStore {
  return new S3BlobStore(traced(new S3Client({ forcePathStyle: true })), config.BLOB_BUCKET);
}
