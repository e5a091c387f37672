import { DynamoSlaStore } from '@psa/common/aws/dynamo-sla-store';
import { parseConfig } from '@psa/common/config';
import { createCoreDeps, createMailer } from '@psa/common/runtime';
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
