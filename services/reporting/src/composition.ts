import { parseConfig } from '@psa/aws/config';
import { DynamoMessageStore } from '@psa/aws/dynamo-message-store';
import { DynamoReportStore } from '@psa/aws/dynamo-report-store';
import { DynamoSlaStore } from '@psa/aws/dynamo-sla-store';
import { createCoreDeps } from '@psa/aws/factories/core';
import { createAuthenticator } from '@psa/http/auth';
import { ReportingConfig } from './config.ts';

export function composeReporting(env: Record<string, string | undefined>) {
  const config = parseConfig(ReportingConfig, env);
  const core = createCoreDeps(config);
  const now = () => core.clock.now();
  return {
    ...core,
    messages: new DynamoMessageStore(core.doc, config.TABLE_NAME),
    sla: new DynamoSlaStore(core.doc, config.TABLE_NAME, now),
    reports: new DynamoReportStore(core.doc, config.TABLE_NAME, now),
    authenticate: createAuthenticator(config),
  };
}
