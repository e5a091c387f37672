import { DynamoReportStore } from '@psa/common/aws/dynamo-report-store';
import { DynamoSlaStore } from '@psa/common/aws/dynamo-sla-store';
import { parseConfig } from '@psa/common/config';
import { createAuthenticator, createCoreDeps } from '@psa/common/runtime';
import { ReportingConfig } from './config.ts';

export function composeReporting(env: Record<string, string | undefined>) {
  const config = parseConfig(ReportingConfig, env);
  const core = createCoreDeps(config);
  const now = () => core.clock.now();
  return {
    ...core,
    sla: new DynamoSlaStore(core.doc, config.TABLE_NAME, now),
    reports: new DynamoReportStore(core.doc, config.TABLE_NAME, now),
    authenticate: createAuthenticator(config),
  };
}
