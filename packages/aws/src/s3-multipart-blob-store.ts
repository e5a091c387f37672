import { Upload } from '@aws-sdk/lib-storage';
import { S3BlobStore } from './s3-blob-store.ts';

const PART_BYTES = 5 * 1024 * 1024;

/**
 * Blobs of any size: above 5 MB in parts, which retry one part rather than the whole and get past
 * the S3 emulator's request-size limit (about 16 MB; AWS takes 5 GB in one PUT). For the local
 * SMTP listener, which stores whole raw mails; the Lambda functions store attachments of at most
 * `maxAttachmentBytes` (10 MB) and keep the SDK's upload helper out of their bundles.
 */
export class S3MultipartBlobStore extends S3BlobStore {
  override async put(key: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    if (body.length <= PART_BYTES) return super.put(key, body, contentType);
    const params = {
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ...(contentType ? { ContentType: contentType } : {}),
    };
    await new Upload({ client: this.client, params, partSize: PART_BYTES, queueSize: 2 }).done();
  }
}
