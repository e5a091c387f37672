import type { Construct } from 'constructs';
import { stageSettings } from './stages.ts';

/**
 * One runbook per kind of alarm, at `docs/runbooks/<name>.md` (what it means, what to look at,
 * what to do). Every alarm's description ends with the link to its page, so the notification an
 * on-call person reads says where to start. A test checks each name has its page.
 */
export const RUNBOOKS = [
  'dead-letter-queue',
  'failure-queue',
  'function-errors',
  'function-throttles',
  'api-5xx-rate',
  'api-latency',
  'queue-not-consumed',
  'sla-sweep-behind',
  'outbox-backlog',
  'ses-bounce-rate',
  'ses-complaint-rate',
] as const;

export type RunbookName = (typeof RUNBOOKS)[number];

/** The page's URL under the stage's `runbookBaseUrl`. */
export function runbookUrl(scope: Construct, runbook: RunbookName): string {
  return `${stageSettings(scope).runbookBaseUrl}/${runbook}.md`;
}

/** An alarm description: what happened, then its runbook. CloudWatch allows 1024 characters. */
export function describeAlarm(scope: Construct, text: string, runbook: RunbookName): string {
  const description = `${text} Runbook: ${runbookUrl(scope, runbook)}`;
  if (description.length > 1024) throw new Error(`alarm description over 1024 characters: ${description}`);
  return description;
}
