import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../src/s3-blob-store.ts';
import { S3MultipartBlobStore } from '../src/s3-multipart-blob-store.ts';

/** The S3 adapters against the S3 emulator the local runtime uses (fauxqs, in memory). */
let server: Awaited<ReturnType<typeof startFauxqs>>;
let client: S3Client;

beforeAll(async () => {
  server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false, init: { buckets: ['blobs'] } });
  client = new S3Client({
    endpoint: `http://127.0.0.1:${server.port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  client.destroy();
  await server.stop();
});

async function roundTrip(store: S3BlobStore, key: string, bytes: number) {
  const body = randomBytes(bytes);
  await store.put(key, body, 'application/octet-stream');
  const back = await store.get(key);
  expect(back?.byteLength).toBe(body.byteLength);
  expect(Buffer.from(back!).equals(body)).toBe(true);
}

describe('S3BlobStore (the functions)', () => {
  it('stores an attachment at the 10 MB limit in one PUT and reads back every byte', async () => {
    await roundTrip(new S3BlobStore(client, 'blobs'), 'att/limit.bin', 10 * 1024 * 1024);
  });

  it('stores text and answers null for a key never stored', async () => {
    const blobs = new S3BlobStore(client, 'blobs');
    await blobs.put('notes/a.txt', 'hello', 'text/plain');
    expect(new TextDecoder().decode((await blobs.get('notes/a.txt'))!)).toBe('hello');
    expect(await blobs.get('notes/missing.txt')).toBeNull();
  });
});

describe('S3MultipartBlobStore (the local SMTP listener)', () => {
  it('stores a raw mail at the 30 MB intake limit in parts and reads back every byte', async () => {
    await roundTrip(new S3MultipartBlobStore(client, 'blobs'), 'raw/large.eml', 30 * 1024 * 1024);
  });

  it('stores a small blob in one PUT', async () => {
    await roundTrip(new S3MultipartBlobStore(client, 'blobs'), 'raw/small.eml', 64 * 1024);
  });
});
