import type { Logger } from '@aws-lambda-powertools/logger';
import { parseConfig } from '@psa/aws/config';
import { DynamoIdempotencyStore } from '@psa/aws/dynamo-idempotency-store';
import { DynamoMailStore } from '@psa/aws/dynamo-mail-store';
import { DynamoMessageStore } from '@psa/aws/dynamo-message-store';
import { DynamoRateLimitStore } from '@psa/aws/dynamo-rate-limit-store';
import { DynamoRatingStore } from '@psa/aws/dynamo-rating-store';
import { DynamoSlaStore } from '@psa/aws/dynamo-sla-store';
import { createCoreDeps } from '@psa/aws/factories/core';
import { createBlobStore } from '@psa/aws/factories/s3';
import { createMultipartBlobStore } from '@psa/aws/factories/s3-multipart';
import { createMailer } from '@psa/aws/factories/ses';
import { createQueue } from '@psa/aws/factories/sqs';
import { type Authenticator, createAuthenticator } from '@psa/http/auth';
import type { IntakeDeps } from './app.ts';
import { EmailIntakeConfig, IntakeConfig } from './config.ts';
import type { EmailDeps } from './domain/email/email-deps.ts';

/**
 * The adapters email intake works with, over the table, bucket, bus and SES of `config`. A mail's
 * whole text can pass 5 MB, so email stores blobs in parts where it must; the web API's bodies
 * cannot (Lambda's 6 MB payload), so IntakeApi stores in one PUT without the upload helper.
 */
function emailAdapters(config: EmailIntakeConfig, blobStore: typeof createBlobStore) {
  const core = createCoreDeps(config);
  const blobs = blobStore(config);
  return {
    ...core,
    messages: new DynamoMessageStore(core.doc, config.TABLE_NAME),
    mail: new DynamoMailStore(core.doc, config.TABLE_NAME, () => core.clock.now()),
    rateLimiter: new DynamoRateLimitStore(core.doc, config.TABLE_NAME, () => core.clock.now()),
    blobs,
    mailer: createMailer(blobs),
  };
}

/**
 * Email intake's adapters once per cold start (IntakeEmail): only what turning a mail into a
 * ticket uses, so its bundle carries no queue client, SLA or rating store, and no token check.
 */
export function composeEmailIntake(env: Record<string, string | undefined>): EmailDeps & { logger: Logger } {
  return emailAdapters(parseConfig(EmailIntakeConfig, env), createMultipartBlobStore);
}

/** Email intake's adapters behind the HTTP API's authentication (IntakeReprocessApi). */
export function composeReprocess(
  env: Record<string, string | undefined>,
): EmailDeps & { logger: Logger; authenticate: Authenticator } {
  const config = parseConfig(IntakeConfig, env);
  return { ...emailAdapters(config, createMultipartBlobStore), authenticate: createAuthenticator(config) };
}

/** Builds intake's adapters once per cold start from its configuration (IntakeApi). */
export function composeIntake(env: Record<string, string | undefined>): IntakeDeps {
  const config = parseConfig(IntakeConfig, env);
  const email = emailAdapters(config, createBlobStore);
  const { doc, clock } = email;
  return {
    ...email,
    idempotency: new DynamoIdempotencyStore(doc, config.TABLE_NAME, () => clock.now()),
    sla: new DynamoSlaStore(doc, config.TABLE_NAME, () => clock.now()),
    ratings: new DynamoRatingStore(doc, config.TABLE_NAME),
    ...(config.WEB_URL ? { webUrl: config.WEB_URL } : {}),
    // Only functions that hand tickets over between queues are given the queue URLs.
    ...(config.PARTNER_QUEUE_URL && config.INTERNAL_QUEUE_URL && config.TRIAGE_QUEUE_URL
      ? {
          queue: createQueue({
            PARTNER_QUEUE_URL: config.PARTNER_QUEUE_URL,
            INTERNAL_QUEUE_URL: config.INTERNAL_QUEUE_URL,
            TRIAGE_QUEUE_URL: config.TRIAGE_QUEUE_URL,
          }),
        }
      : {}),
    authenticate: createAuthenticator(config),
  };
}
