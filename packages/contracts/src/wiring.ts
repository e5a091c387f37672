import { SOURCES } from '@psa/model/events';

/**
 * The system's wiring, declared once. The CDK app creates one Lambda function per entry in
 * FUNCTIONS, one EventBridge rule per SUBSCRIPTION, one schedule per SCHEDULE and one HTTP API
 * route per HTTP_ROUTE; the local runtime's in-process bus matches the very same patterns with
 * the same EventBridge pattern matcher and invokes the same handler exports.
 *
 * Longer than 400 lines because it is the one table of every function, route, subscription and
 * schedule: read in one place, it is the system's map; split, a route would be apart from its function.
 */
export type ServiceName = 'intake' | 'router' | 'sla' | 'reporting' | 'outbox';
export type QueueAccess = 'partner' | 'internal' | 'triage';

export interface FunctionSpec {
  id: string;
  service: ServiceName;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  /** What the function may touch: the CDK app grants exactly this (least privilege). */
  access: {
    table: 'read' | 'readwrite';
    bus?: boolean;
    queues?: QueueAccess[];
    bucket?: 'read' | 'readwrite';
    /** May send mail (SES) for acknowledgements and notifications. */
    mail?: boolean;
    /** Its mail links into the web app (pulse invitations, the digest): it is given WEB_URL. */
    webLinks?: boolean;
  };
  timeoutSeconds: number;
  memoryMb: number;
}

export const FUNCTIONS = [
  {
    id: 'IntakeApi',
    service: 'intake',
    entry: 'services/intake/src/handlers/api.ts',
    description: 'Ticket API: submit, read, list, lifecycle; OpenAPI document',
    access: {
      table: 'readwrite',
      bus: true,
      bucket: 'readwrite',
      mail: true,
      queues: ['partner', 'internal', 'triage'],
    },
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  {
    id: 'IntakeEmail',
    service: 'intake',
    entry: 'services/intake/src/handlers/email.ts',
    description: 'Turns a received email (raw MIME stored by SES in S3) into a ticket, reply or note',
    access: { table: 'readwrite', bus: true, bucket: 'readwrite', mail: true },
    timeoutSeconds: 60,
    memoryMb: 1024,
  },
  {
    id: 'RouterOnTicketReceived',
    service: 'router',
    entry: 'services/router/src/handlers/on-ticket-received.ts',
    description: 'Applies the division of work and sends the ticket to its queue',
    access: { table: 'readwrite', bus: true, queues: ['partner', 'internal', 'triage'] },
    timeoutSeconds: 30,
    memoryMb: 512,
  },
  {
    id: 'RouterApi',
    service: 'router',
    entry: 'services/router/src/handlers/api.ts',
    description: 'Division of work (versions, validation), what-if simulation, history model',
    access: { table: 'readwrite' },
    timeoutSeconds: 30,
    memoryMb: 1024,
  },
  {
    id: 'SlaOnTicketEvent',
    service: 'sla',
    entry: 'services/sla/src/handlers/on-ticket-event.ts',
    description: 'Starts, stops and recomputes SLA clocks from ticket events',
    access: { table: 'readwrite', bus: true, mail: true },
    timeoutSeconds: 30,
    memoryMb: 256,
  },
  {
    id: 'SlaSweep',
    service: 'sla',
    entry: 'services/sla/src/handlers/sweep.ts',
    description: 'Publishes SLA warnings and breaches that fell due',
    access: { table: 'readwrite', bus: true, mail: true },
    timeoutSeconds: 60,
    memoryMb: 256,
  },
  {
    id: 'ReportingProjector',
    service: 'reporting',
    entry: 'services/reporting/src/handlers/project.ts',
    description: 'Projects ticket and SLA events into monthly facts',
    access: { table: 'readwrite' },
    timeoutSeconds: 30,
    memoryMb: 256,
  },
  {
    id: 'ReportingApi',
    service: 'reporting',
    entry: 'services/reporting/src/handlers/api.ts',
    description:
      'Leadership reports: backlog, after-hours, relief, trends, tables, CSV exports, routing coverage and drift',
    access: { table: 'read' },
    // Routing coverage replays a month (up to 50,000 tickets) within the HTTP API's 30 s.
    timeoutSeconds: 30,
    memoryMb: 1024,
  },
  {
    id: 'MonthlyRelief',
    service: 'reporting',
    entry: 'services/reporting/src/handlers/monthly-relief.ts',
    description: 'Publishes each tenant’s relief report once its month has closed in its time zone',
    access: { table: 'readwrite', bus: true },
    timeoutSeconds: 60,
    memoryMb: 256,
  },
  {
    id: 'PulseApi',
    service: 'reporting',
    entry: 'services/reporting/src/handlers/pulse-api.ts',
    description: 'Team pulse: internal IT answers the monthly question, signed in or by its one-time link',
    // Apart from ReportingApi, which stays read-only.
    access: { table: 'readwrite' },
    timeoutSeconds: 10,
    memoryMb: 256,
  },
  {
    id: 'MonthlyDigest',
    service: 'reporting',
    entry: 'services/reporting/src/handlers/monthly-digest.ts',
    description: 'Mails each tenant’s leadership the digest of a month that closed, once',
    access: { table: 'readwrite', mail: true, webLinks: true },
    timeoutSeconds: 60,
    memoryMb: 256,
  },
  {
    id: 'PulseSurvey',
    service: 'reporting',
    entry: 'services/reporting/src/handlers/pulse-survey.ts',
    description: 'Asks each tenant’s internal IT the monthly team pulse question, once a month',
    access: { table: 'readwrite', mail: true, webLinks: true },
    timeoutSeconds: 60,
    memoryMb: 256,
  },
  {
    id: 'OutboxReconciler',
    service: 'outbox',
    entry: 'services/outbox/src/handlers/reconcile.ts',
    description: 'Re-delivers outbox entries a crash or an outage left undelivered',
    access: {
      table: 'readwrite',
      bus: true,
      queues: ['partner', 'internal', 'triage'],
      bucket: 'read',
      mail: true,
    },
    timeoutSeconds: 60,
    memoryMb: 256,
  },
] as const satisfies readonly FunctionSpec[];

export type FunctionId = (typeof FUNCTIONS)[number]['id'];

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
  {
    method: 'POST',
    path: '/v1/tenants/{tenantId}/mail/quarantine/{id}/reprocess',
    functionId: 'IntakeApi',
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
