import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobStore } from '@psa/model/ports';

const MULTIPART_THRESHOLD = 5 * 1024 * 1024;

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
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
    if (body.length <= MULTIPART_THRESHOLD) {
      await this.client.send(new PutObjectCommand(params));
      return;
    }
    // Large raw mail goes up in parts (S3 takes 5 GB in one PUT, but parts retry cheaply).
    await new Upload({ client: this.client, params, partSize: MULTIPART_THRESHOLD, queueSize: 2 }).done();
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
