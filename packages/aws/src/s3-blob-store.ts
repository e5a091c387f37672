import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '@psa/model/ports';

export class S3BlobStore implements BlobStore {
  protected readonly client: S3Client;
  protected readonly bucket: string;
  constructor(client: S3Client, bucket: string) {
    this.client = client;
    this.bucket = bucket;
  }

  async put(key: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    const params = {
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ...(contentType ? { ContentType: contentType } : {}),
    };
    // One PUT (S3 takes up to 5 GB in one): the functions store attachments of at most 10 MB, and
    // SES stores raw mail itself. Whole raw mails locally: ./s3-multipart-blob-store.ts.
    await this.client.send(new PutObjectCommand(params));
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.Body ? await out.Body.transformToByteArray() : null;
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return null;
      throw err;
    }
  }
}
