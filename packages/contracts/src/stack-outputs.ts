import type { QueueAccess } from './wiring.ts';

/**
 * The CloudFormation outputs operator tools read to find a deployed stage's resources
 * (`psa redrive --stage prod`, `psa outbox --stage prod`, the deploy script), declared once for
 * the CDK app that writes them and the tools that read them.
 */
export const statefulStackName = (stage: string) => `Psa-${stage}-Stateful`;
export const servicesStackName = (stage: string) => `Psa-${stage}-Services`;

export const STATEFUL_OUTPUTS = {
  tableName: 'TableName',
  queueUrls: {
    partner: 'PartnerQueueUrl',
    internal: 'InternalQueueUrl',
    triage: 'TriageQueueUrl',
  } satisfies Record<QueueAccess, string>,
} as const;

export const SERVICES_OUTPUTS = {
  /** Base URL of the HTTP API (no trailing slash). */
  apiUrl: 'ApiUrl',
  dashboardUrl: 'DashboardUrl',
  /** The web app on its CloudFront distribution (`https://….cloudfront.net/`). */
  webUrl: 'WebUrl',
} as const;
