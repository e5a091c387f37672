import { parseConfig } from '@psa/aws/config';
import { DynamoIdempotencyStore } from '@psa/aws/dynamo-idempotency-store';
import { DynamoMailStore } from '@psa/aws/dynamo-mail-store';
import { DynamoMessageStore } from '@psa/aws/dynamo-message-store';
import { DynamoRateLimitStore } from '@psa/aws/dynamo-rate-limit-store';
import { DynamoRatingStore } from '@psa/aws/dynamo-rating-store';
import { DynamoSlaStore } from '@psa/aws/dynamo-sla-store';
import { createCoreDeps } from '@psa/aws/factories/core';
import { createBlobStore } from '@psa/aws/factories/s3';
import { createMailer } from '@psa/aws/factories/ses';
import { createQueue } from '@psa/aws/factories/sqs';
import { createAuthenticator } from '@psa/http/auth';
import type { IntakeDeps } from './app.ts';
import { IntakeConfig } from './config.ts';

/** Builds intake's adapters once per cold start from its configuration. */
export function composeIntake(env: Record<string, string | undefined>): IntakeDeps {
  const config = parseConfig(IntakeConfig, env);
  const core = createCoreDeps(config);
  const blobs = createBlobStore(config);
  return {
    ...core,
    idempotency: new DynamoIdempotencyStore(core.doc, config.TABLE_NAME, () => core.clock.now()),
    sla: new DynamoSlaStore(core.doc, config.TABLE_NAME, () => core.clock.now()),
    messages: new DynamoMessageStore(core.doc, config.TABLE_NAME),
    mail: new DynamoMailStore(core.doc, config.TABLE_NAME, () => core.clock.now()),
    rateLimiter: new DynamoRateLimitStore(core.doc, config.TABLE_NAME, () => core.clock.now()),
    ratings: new DynamoRatingStore(core.doc, config.TABLE_NAME),
    ...(config.WEB_URL ? { webUrl: config.WEB_URL } : {}),
    blobs,
    mailer: createMailer(blobs),
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
