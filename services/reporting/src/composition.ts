import { parseConfig } from '@psa/aws/config';
import { DynamoMessageStore } from '@psa/aws/dynamo-message-store';
import { DynamoPulseStore } from '@psa/aws/dynamo-pulse-store';
import { DynamoReportStore } from '@psa/aws/dynamo-report-store';
import { DynamoSlaStore } from '@psa/aws/dynamo-sla-store';
import { createCoreDeps } from '@psa/aws/factories/core';
import { createMailer } from '@psa/aws/factories/ses';
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
    pulse: new DynamoPulseStore(core.doc, config.TABLE_NAME, now),
    mailer: createMailer(),
    ...(config.WEB_URL ? { webUrl: config.WEB_URL.replace(/\/$/, '') } : {}),
    authenticate: createAuthenticator(config),
  };
}
