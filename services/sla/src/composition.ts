import { parseConfig } from '@psa/aws/config';
import { DynamoSlaStore } from '@psa/aws/dynamo-sla-store';
import { createCoreDeps } from '@psa/aws/factories/core';
import { createMailer } from '@psa/aws/factories/ses';
import { SlaConfig } from './config.ts';
import type { SlaDeps } from './domain/sync-clocks.ts';

export function composeSla(env: Record<string, string | undefined>): SlaDeps {
  const config = parseConfig(SlaConfig, env);
  const core = createCoreDeps(config);
  return {
    ...core,
    sla: new DynamoSlaStore(core.doc, config.TABLE_NAME, () => core.clock.now()),
    mailer: createMailer(),
  };
}
