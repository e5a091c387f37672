import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type Authenticator, apiGatewayAuthenticator, hs256Authenticator } from '@psa/http/auth';
import { type Clock, offsetClock, systemClock } from '@psa/model/clock';
import type { Mailer } from '@psa/model/ports';
import { z } from 'zod';
import { createDocumentClient } from './dynamo-client.ts';
import { DynamoOutboxStore } from './dynamo-outbox.ts';
import { DynamoTenantStore } from './dynamo-tenant-store.ts';
import { DynamoTicketStore } from './dynamo-ticket-store.ts';
import { EventBridgeBus } from './eventbridge-bus.ts';
import { FolderMailer, SesMailer, SmtpMailer } from './mailers.ts';
import { S3BlobStore } from './s3-blob-store.ts';
import { SqsQueue } from './sqs-queue.ts';

/**
 * Configuration fragments the services compose into their own schema (one per service).
 * The CDK app sets these variables on each function; the local runtime sets the same names.
 */
export const CoreConfig = z.object({
  TABLE_NAME: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  /** Local runtime only (`PSA_CLOCK_START`): shifts the clock; the CDK app never sets it. */
  PSA_CLOCK_OFFSET_MS: z.coerce.number().int().optional(),
  POWERTOOLS_SERVICE_NAME: z.string().default('psa'),
});

export const QueueConfig = z.object({
  PARTNER_QUEUE_URL: z.url(),
  INTERNAL_QUEUE_URL: z.url(),
  TRIAGE_QUEUE_URL: z.url(),
});

export const AuthConfig = z.object({
  /** `apigateway`: trust the HTTP API JWT authorizer's verified claims. `hs256`: local tokens. */
  AUTH_MODE: z.enum(['apigateway', 'hs256']).default('apigateway'),
  AUTH_HS256_KEY_FILE: z.string().optional(),
  JWT_ISSUER: z.string().default('psa-local'),
  JWT_AUDIENCE: z.string().default('psa-api'),
});

export const BlobConfig = z.object({ BLOB_BUCKET: z.string().min(1) });

export const MailConfig = z.object({
  /** `ses` in AWS; locally `folder` (write .eml files a user can open) or `smtp` (a relay). */
  MAIL_TRANSPORT: z.enum(['ses', 'smtp', 'folder']).default('ses'),
  MAIL_SMTP_URL: z.string().optional(),
  MAIL_OUTBOX_DIR: z.string().optional(),
});

export function createMailer(config: z.infer<typeof MailConfig>): Mailer {
  switch (config.MAIL_TRANSPORT) {
    case 'ses':
      return new SesMailer(new SESv2Client({}));
    case 'smtp':
      if (!config.MAIL_SMTP_URL)
        throw new Error('invalid configuration: MAIL_SMTP_URL: required when MAIL_TRANSPORT=smtp');
      return new SmtpMailer(config.MAIL_SMTP_URL);
    case 'folder':
      if (!config.MAIL_OUTBOX_DIR)
        throw new Error('invalid configuration: MAIL_OUTBOX_DIR: required when MAIL_TRANSPORT=folder');
      return new FolderMailer(config.MAIL_OUTBOX_DIR);
  }
}

export function createBlobStore(config: z.infer<typeof BlobConfig>): S3BlobStore {
  return new S3BlobStore(new S3Client({ forcePathStyle: true }), config.BLOB_BUCKET);
}

export function createClock(config: z.infer<typeof CoreConfig>): Clock {
  return config.PSA_CLOCK_OFFSET_MS ? offsetClock(config.PSA_CLOCK_OFFSET_MS) : systemClock;
}

export function createAuthenticator(config: z.infer<typeof AuthConfig>): Authenticator {
  if (config.AUTH_MODE === 'apigateway') return apiGatewayAuthenticator();
  if (!config.AUTH_HS256_KEY_FILE)
    throw new Error('invalid configuration: AUTH_HS256_KEY_FILE: required when AUTH_MODE=hs256');
  const secret = new Uint8Array(readFileSync(config.AUTH_HS256_KEY_FILE));
  return hs256Authenticator(secret, config.JWT_ISSUER, config.JWT_AUDIENCE);
}

/** The adapters every service shares, built once per cold start. */
export function createCoreDeps(config: z.infer<typeof CoreConfig>) {
  const clock = createClock(config);
  const doc = createDocumentClient();
  const now = () => clock.now();
  return {
    clock,
    logger: new Logger({ serviceName: config.POWERTOOLS_SERVICE_NAME }),
    doc,
    tickets: new DynamoTicketStore(doc, config.TABLE_NAME, now),
    tenants: new DynamoTenantStore(doc, config.TABLE_NAME),
    outbox: new DynamoOutboxStore(doc, config.TABLE_NAME),
    bus: new EventBridgeBus(new EventBridgeClient({}), config.EVENT_BUS_NAME),
  };
}

export function createQueue(config: z.infer<typeof QueueConfig>): SqsQueue {
  return new SqsQueue(new SQSClient({}), {
    partner: config.PARTNER_QUEUE_URL,
    internal: config.INTERNAL_QUEUE_URL,
    triage: config.TRIAGE_QUEUE_URL,
  });
}
