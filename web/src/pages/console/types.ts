import type { Api, Ticket } from '../../api.ts';
import type { Session } from '../../auth.ts';
import type { Location } from '../../router.ts';

/**
 * What the staff frame hands each page (../staff.tsx's StaffPageProps, the same shape), declared
 * here so the console imports nothing from the frame that lazily imports it.
 */
export interface ConsolePageProps {
  session: Session;
  api: Api;
  location: Location;
  onExpired: () => void;
}

/**
 * The ticket as staff read it: the API's whole view (../../api.ts types only what the portal
 * shows). Field names and meanings as in packages/contracts/src/http/intake-routes.ts.
 */

export type Owner = 'partner' | 'internal' | 'triage';
export type Priority = 'P1' | 'P2' | 'P3' | 'P4';
export type Visibility = 'public' | 'internal' | 'shared';

export interface RoutingDecision {
  rule: 'guardrail' | 'vip' | 'workload-owner' | 'after-hours' | 'overflow' | 'triage';
  reasons: string[];
  confidence: number;
  divisionOfWorkVersion: number;
  runnerUp: { workload: string; confidence: number } | null;
  flags: { guardrail: boolean; vip: boolean; afterHours: boolean; overflow: boolean; triage: boolean };
  decidedAt: string;
}

export interface SlaClock {
  clock: string;
  target: string;
  owner: Owner;
  targetMinutes: number;
  calendar: 'partner' | 'internal';
  cycle: number;
  startedAt: string;
  dueAt: string | null;
  elapsedBusinessMinutes: number;
  remainingBusinessMinutes: number;
  paused: boolean;
  pausedFor: 'status' | 'closed' | 'handedOff' | 'awaitingAcceptance' | 'withdrawn' | null;
  completedAt: string | null;
  met: boolean | null;
  breached: boolean;
}

export interface By {
  role: string;
  email?: string;
}

export interface StaffTicket extends Omit<Ticket, 'messages'> {
  number: number;
  body: string;
  channel: 'email' | 'web' | 'api';
  requester: { email: string; name?: string };
  priority: Priority | null;
  requestedPriority: Priority | null;
  workload: string | null;
  afterHours: boolean | null;
  routing: RoutingDecision | null;
  firstRespondedAt: string | null;
  resolvedAt: string | null;
  history: { from: string; to: string; at: string; by: By; note?: string }[];
  handoffs: { from: Owner; to: Owner; reason: string; at: string; by: By }[];
  sla: SlaClock[];
  /** The API's reading of the clocks against its own clock (the list's `sla` filter). */
  slaState?: 'due-soon' | 'breached' | null;
  messages: (Ticket['messages'][number] & { author?: By | null; kind: string })[];
}

export interface TicketList {
  items: StaffTicket[];
  nextCursor: string | null;
}

export interface TicketCounts {
  total: number;
  byOwner: Partial<Record<Owner, number>>;
  complete: boolean;
}

export interface QuarantinedMail {
  id: string;
  receivedAt: string;
  reason: string;
  from: string | null;
  subject: string | null;
  status: 'quarantined' | 'reprocessed';
}

export interface QuarantinedMailDetail extends QuarantinedMail {
  headers: string;
  headersTruncated: boolean;
  rawAvailable: boolean;
}
