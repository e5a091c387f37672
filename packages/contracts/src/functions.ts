/**
 * Every Lambda function of the system with what it may touch (the CDK app grants exactly this),
 * its timeout and memory. Part of the wiring (wiring.ts re-exports it), its own module so the
 * wiring's routes, subscriptions and schedules stay a page apart.
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
    id: 'IntakeReprocessApi',
    service: 'intake',
    entry: 'services/intake/src/handlers/reprocess-api.ts',
    description:
      'Re-processes a quarantined mail and answers what it became (apart from IntakeApi: it parses mail)',
    // What IntakeEmail may touch: it runs the same use case, within the HTTP API's 30 s.
    access: { table: 'readwrite', bus: true, bucket: 'readwrite', mail: true },
    timeoutSeconds: 30,
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
