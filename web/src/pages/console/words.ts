import type { Owner, RoutingDecision, SlaClock, StaffTicket } from './types.ts';

/** The console's wording: owners, statuses, routing decisions and SLA clocks in plain words. */

export const OWNER_NAMES: Record<Owner, string> = {
  internal: 'Internal IT',
  partner: 'MSP partner',
  triage: 'Triage',
};

export const STATUS_NAMES: Record<StaffTicket['status'], string> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  in_progress: 'In progress',
  waiting_on_customer: 'Waiting on customer',
  resolved: 'Resolved',
  closed: 'Closed',
  reopened: 'Reopened',
};

const RULES: Record<RoutingDecision['rule'], string> = {
  guardrail: 'a guardrail: this kind of ticket always goes to the same side',
  vip: 'the requester is a VIP',
  'workload-owner': 'the owner of its workload in the division of work',
  'after-hours': 'after-hours cover: the owning side was closed',
  overflow: 'overflow: the owning side’s backlog was over its limit',
  triage: 'triage: no workload was recognised with enough confidence',
};

export const percent = (x: number) => `${Math.round(x * 100)} %`;

/** One sentence for the decision; the reasons follow it as a list. */
export function routingSentence(ticket: StaffTicket): string {
  const r = ticket.routing;
  if (!r) return 'Not routed yet.';
  const to = ticket.owner ? OWNER_NAMES[ticket.owner] : 'nobody';
  const workload = ticket.workload ? ` as ${ticket.workload}` : '';
  return `Routed${workload} by ${RULES[r.rule]}, with ${percent(r.confidence)} confidence, under version ${r.divisionOfWorkVersion} of the division of work; now with ${to}.`;
}

const TARGETS: Record<string, string> = {
  firstResponse: 'First response',
  resolution: 'Resolution',
  nextUpdate: 'Next update',
  handoff: 'Handoff accepted',
};

export function clockName(c: SlaClock): string {
  const target = TARGETS[c.target] ?? c.target;
  return c.cycle > 0 ? `${target} (period ${c.cycle + 1})` : target;
}

const PAUSES: Record<NonNullable<SlaClock['pausedFor']>, string> = {
  status: 'Paused: waiting on the customer',
  closed: 'Paused: resolved or closed',
  handedOff: 'Paused: with the other side',
  awaitingAcceptance: 'Paused: not accepted yet',
  withdrawn: 'Withdrawn',
};

export const minutes = (m: number) => {
  const whole = Math.round(m);
  if (whole < 60) return `${whole} min`;
  const h = Math.floor(whole / 60);
  return whole % 60 ? `${h} h ${whole % 60} min` : `${h} h`;
};

/**
 * Where a clock stands, from what the server computed (its clock, not the browser's: the local
 * stack may run on a simulated date). Business minutes left, so a clock that does not run
 * outside its side's hours does not count them.
 */
export function clockState(c: SlaClock): { text: string; tone: 'ok' | 'warn' | 'bad' | 'quiet' } {
  if (c.completedAt) {
    return c.met === false || c.breached ? { text: 'Missed', tone: 'bad' } : { text: 'Met', tone: 'ok' };
  }
  if (c.breached) return { text: 'Breached', tone: 'bad' };
  if (c.pausedFor) return { text: PAUSES[c.pausedFor], tone: 'quiet' };
  if (c.remainingBusinessMinutes <= 0) return { text: 'Overdue', tone: 'bad' };
  const soon = c.remainingBusinessMinutes <= DUE_SOON_MINUTES;
  return { text: `Running: ${minutes(c.remainingBusinessMinutes)} left`, tone: soon ? 'warn' : 'ok' };
}

/** Within this many minutes counts as due soon (the API's `sla=due-soon`: four hours). */
const DUE_SOON_MINUTES = 240;

/** The ticket's SLA state as the list shows it (the API's reading), with the least time left. */
export function ticketSla(t: StaffTicket): { text: string; tone: 'warn' | 'bad' } | null {
  if (t.slaState === 'breached') return { text: 'SLA breached', tone: 'bad' };
  if (t.slaState !== 'due-soon') return null;
  const left = t.sla
    .filter((c) => !c.completedAt && c.pausedFor === null)
    .map((c) => c.remainingBusinessMinutes)
    .sort((a, b) => a - b)[0];
  return {
    text: left === undefined ? 'Due within 4 h' : `Due within 4 h (${minutes(left)} left)`,
    tone: 'warn',
  };
}

export const VISIBILITY_NAMES = {
  public: 'Public reply',
  internal: 'Internal note',
  shared: 'Shared note',
} as const;

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const formatTime = (iso: string) => when.format(new Date(iso));
