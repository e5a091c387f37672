import { parseConfig } from '@psa/aws/config';
import { createCoreDeps } from '@psa/aws/factories/core';
import { createMailer } from '@psa/aws/factories/ses';
import { createQueue } from '@psa/aws/factories/sqs';
import { reconcileOutbox } from '@psa/model/outbox';
import { ReconcilerConfig } from '../config.ts';

const config = parseConfig(ReconcilerConfig, process.env);
const deps = { ...createCoreDeps(config), queue: createQueue(config), mailer: createMailer(config) };

/** Scheduled: re-deliver outbox entries that a crash or a bus/queue outage left behind. */
export const handler = async (): Promise<{ records: number; failures: number }> => {
  const result = await reconcileOutbox({ ...deps, now: () => deps.clock.now() });
  if (result.records > 0) deps.logger.info('outbox reconciled', result);
  return result;
};
