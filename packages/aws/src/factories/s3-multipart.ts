import { S3Client } from '@aws-sdk/client-s3';
import { traced } from '@psa/observability/tracer';
import type { BlobConfig } from '../config.ts';
import { S3MultipartBlobStore } from '../s3-multipart-blob-store.ts';

/** For functions that may store a blob over 5 MB (a mail's whole text): uploads it in parts. */
export function createMultipartBlobStore(config: BlobConfig): S3MultipartBlobStore {
  return new S3MultipartBlobStore(traced(new S3Client({ forcePathStyle: true })), config.BLOB_BUCKET);
}
