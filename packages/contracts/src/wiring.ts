import { SOURCES } from '@psa/model/events';
import type { FunctionId } from './functions.ts';

export {
  FUNCTIONS,
  type FunctionId,
  type FunctionSpec,
  type QueueAccess,
  type ServiceName,
} from './functions.ts';

/**
 * The system's wiring, declared once. The CDK app creates one Lambda function per entry in
 * FUNCTIONS, one EventBridge rule per SUBSCRIPTION, one schedule per SCHEDULE and one HTTP API
 * route per HTTP_ROUTE; the local runtime's in-process bus matches the very same patterns with
 * the same EventBridge pattern matcher and invokes the same handler exports.
 * FUNCTIONS live in ./functions.ts and are re-exported here.
 */

export interface Subscription {
  id: string;
  functionId: FunctionId;
  /** An EventBridge event pattern (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html). */
  pattern: Record<string, unknown>;
}

export const SUBSCRIPTIONS: readonly Subscription[] = [
  {
    id: 'RouteReceivedTickets',
    functionId: 'RouterOnTicketReceived',
    pattern: { source: [SOURCES.intake], 'detail-type': ['TicketReceived'] },
  },
  {
    id: 'SlaFollowsTickets',
    functionId: 'SlaOnTicketEvent',
    pattern: {
      $or: [
        { source: [SOURCES.router], 'detail-type': ['TicketRouted'] },
        {
          source: [SOURCES.intake],
          'detail-type': [
            'TicketStatusChanged',
            'TicketReassigned',
            'TicketPriorityChanged',
            'TicketMessageAdded',
          ],
        },
      ],
    },
  },
  {
    id: 'ProjectTicketFacts',
    functionId: 'ReportingProjector',
    pattern: {
      source: [SOURCES.router, SOURCES.intake, SOURCES.sla],
      'detail-type': [
        'TicketRouted',
        'TicketStatusChanged',
        'TicketReassigned',
        'TicketPriorityChanged',
        'TicketMessageAdded',
        'TicketRated',
        'TicketAlertFolded',
        'SlaWarning',
        'SlaBreached',
        'SlaMet',
      ],
    },
  },
  {
    id: 'DigestClosedMonths',
    functionId: 'MonthlyDigest',
    pattern: { source: [SOURCES.reporting], 'detail-type': ['MonthlyReliefReport'] },
  },
];

/**
 * How an asynchronous invocation is retried and dead-lettered, declared once: the CDK app sets
 * each EventBridge rule target and each asynchronously invoked function from it, and the local
 * runtime's durable delivery queue applies the same numbers. A function error is retried
 * `functionRetryAttempts` times by Lambda, then the event goes to the function's failure queue;
 * a rule target keeps an undelivered event for its `maxEventAgeSeconds`, then dead-letters it.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html
 */
export const ASYNC_DELIVERY = {
  /** Lambda's retries of a failed asynchronous invocation (0-2). */
  functionRetryAttempts: 2,
  /** Domain events: consumers are idempotent, so a late or repeated delivery is harmless. */
  events: { retryAttempts: 20, maxEventAgeSeconds: 6 * 3600 },
  /** A schedule tick is superseded by the next one: retry briefly, then dead-letter it (and alarm). */
  ticks: { retryAttempts: 2, maxEventAgeSeconds: 5 * 60 },
  /** Lambda's own limit for an asynchronous invocation (the SES receipt rule's action). */
  maxEventAgeSeconds: 6 * 3600,
} as const;

export interface Schedule {
  id: string;
  functionId: FunctionId;
  /** Minutes between runs (an EventBridge `rate()` schedule). */
  everyMinutes: number;
}

export const SCHEDULES: readonly Schedule[] = [
  { id: 'SlaSweepEveryMinute', functionId: 'SlaSweep', everyMinutes: 1 },
  { id: 'OutboxReconcileEveryMinute', functionId: 'OutboxReconciler', everyMinutes: 1 },
  // Hourly, so each tenant's report goes out within the hour its month closes in its own zone.
  { id: 'MonthlyReliefHourly', functionId: 'MonthlyRelief', everyMinutes: 60 },
  // Hourly, so the invitations go out within the hour the pulse opens in each tenant's zone.
  { id: 'PulseSurveyHourly', functionId: 'PulseSurvey', everyMinutes: 60 },
];

export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  functionId: FunctionId;
  /** False only for the public OpenAPI document. */
  authorized: boolean;
}

export const HTTP_ROUTES: readonly HttpRoute[] = [
  { method: 'POST', path: '/v1/tenants/{tenantId}/tickets', functionId: 'IntakeApi', authorized: true },
  { method: 'GET', path: '/v1/tenants/{tenantId}/tickets', functionId: 'IntakeApi', authorized: true },
  { method: 'GET', path: '/v1/tenants/{tenantId}/tickets/{id}', functionId: 'IntakeApi', authorized: true },
  {
    method: 'POST',
    path: '/v1/tenants/{tenantId}/tickets/{id}/status',
    functionId: 'IntakeApi',
    authorized: true,
  },
  {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/reports/routing-coverage',
    functionId: 'ReportingApi',
    authorized: true,
  },
  {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/reports/{report}',
    functionId: 'ReportingApi',
    authorized: true,
  },
  {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/reports/exports/{table}',
    functionId: 'ReportingApi',
    authorized: true,
  },
  {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/division-of-work',
    functionId: 'RouterApi',
    authorized: true,
  },
  {
    method: 'PUT',
    path: '/v1/tenants/{tenantId}/division-of-work',
    functionId: 'RouterApi',
    authorized: true,
  },
  {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/division-of-work/versions',
    functionId: 'RouterApi',
    authorized: true,
  },
  {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/division-of-work/versions/{version}',
    functionId: 'RouterApi',
    authorized: true,
  },
  {
    method: 'POST',
    path: '/v1/tenants/{tenantId}/division-of-work/validate',
    functionId: 'RouterApi',
    authorized: true,
  },
  {
    method: 'POST',
    path: '/v1/tenants/{tenantId}/division-of-work/simulate',
    functionId: 'RouterApi',
    authorized: true,
  },
  {
    method: 'POST',
    path: '/v1/tenants/{tenantId}/tickets/{id}/priority',
    functionId: 'IntakeApi',
    authorized: true,
  },
  {
    method: 'POST',
    path: '/v1/tenants/{tenantId}/tickets/{id}/reassign',
    functionId: 'IntakeApi',
    authorized: true,
  },
  {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/tickets/{id}/attachments/{attachmentId}',
    functionId: 'IntakeApi',
    authorized: true,
  },
  {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/mail/quarantine',
    functionId: 'IntakeApi',
    authorized: true,
  },
  // Parses mail: its own function, so IntakeApi carries no MIME parser.
  {
    method: 'POST',
    path: '/v1/tenants/{tenantId}/mail/quarantine/{id}/reprocess',
    functionId: 'IntakeReprocessApi',
    authorized: true,
  },
  // The staff console (issue 11): counts per tab, one quarantined mail with its raw headers.
  { method: 'GET', path: '/v1/tenants/{tenantId}/ticket-counts', functionId: 'IntakeApi', authorized: true },
  {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/mail/quarantine/{id}',
    functionId: 'IntakeApi',
    authorized: true,
  },
  {
    method: 'POST',
    path: '/v1/tenants/{tenantId}/division-of-work/history',
    functionId: 'RouterApi',
    authorized: true,
  },
  {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/division-of-work/model',
    functionId: 'RouterApi',
    authorized: true,
  },
  { method: 'GET', path: '/openapi.json', functionId: 'IntakeApi', authorized: false },
  // Conversation and satisfaction (issue 10): ./http/conversation-routes.ts.
  {
    method: 'POST',
    path: '/v1/tenants/{tenantId}/tickets/{id}/messages',
    functionId: 'IntakeApi',
    authorized: true,
  },
  {
    method: 'GET',
    path: '/v1/tenants/{tenantId}/tickets/{id}/messages',
    functionId: 'IntakeApi',
    authorized: true,
  },
  // Authorised by the single-use token in the path, not a bearer token.
  { method: 'POST', path: '/public/ratings/{token}', functionId: 'IntakeApi', authorized: false },
  { method: 'POST', path: '/public/ratings/{token}/comment', functionId: 'IntakeApi', authorized: false },
  // The team pulse (issue 12): ./http/reporting-routes.ts `pulseRoutes`.
  { method: 'POST', path: '/v1/tenants/{tenantId}/pulse', functionId: 'PulseApi', authorized: true },
  { method: 'GET', path: '/v1/tenants/{tenantId}/pulse', functionId: 'PulseApi', authorized: true },
  { method: 'GET', path: '/public/pulse/{token}', functionId: 'PulseApi', authorized: false },
  { method: 'POST', path: '/public/pulse/{token}', functionId: 'PulseApi', authorized: false },
];
