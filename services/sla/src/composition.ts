import { parseConfig } from '@psa/aws/config';
import { DynamoSlaStore } from '@psa/aws/dynamo-sla-store';
import { createCoreDeps, createMailer } from '@psa/aws/runtime';
import { SlaConfig } from './config.ts';
import type { SlaDeps } from './domain/sync-clocks.ts';

export function composeSla(env: Record<string, string | undefined>): SlaDeps {
  const config = parseConfig(SlaConfig, env);
  const core = createCoreDeps(config);
  return {
    ...core,
    sla: new DynamoSlaStore(core.doc, config.TABLE_NAME, () => core.clock.now()),
    mailer: createMailer(config),
  };
}
