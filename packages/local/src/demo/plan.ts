import type { Random } from '../chaos/prng.ts';

/**
 * The demo's months as a timeline of actions (pure: a seed and a period give the same plan):
 * tickets arriving over business hours, evenings, nights and weekends by the web API and by mail,
 * their first responses, handoffs, replies, resolutions and ratings, bursts of monitoring alerts
 * (folded repeats, many closed without action), and the monthly team pulse answers.
 */

export interface CorpusTicket {
  subject: string;
  body: string;
}

export type Side = 'partner' | 'internal';

export type Action =
  | {
      kind: 'arrive';
      at: number;
      ticket: number;
      channel: 'web' | 'mail';
      requester: string;
      text: CorpusTicket;
    }
  | { kind: 'alert'; at: number; ticket: number; subject: string; repeat: number }
  | { kind: 'respond'; at: number; ticket: number }
  | { kind: 'handoff'; at: number; ticket: number }
  | { kind: 'reply'; at: number; ticket: number; note: boolean }
  | { kind: 'resolve'; at: number; ticket: number }
  | { kind: 'rate'; at: number; ticket: number; rating: 'good' | 'okay' | 'bad' }
  | { kind: 'pulse'; at: number; month: string; score: number; comment: string | null };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const REQUESTERS = [
  'alice@acme.example',
  'bob@acme.example',
  'carol@acme.example',
  'dave@acme.example',
  'erin@acme.example',
  'frank@acme.example',
];

const ALERTS = [
  'PROBLEM: Disk usage critical on FS01',
  'PROBLEM: Backup job SQL02 failed',
  'PROBLEM: High CPU on APP03',
  'WARNING: Certificate expires soon on web01',
  'PROBLEM: Host unreachable: printer-3f',
  'WARNING: Memory usage high on DC01',
];

const COMMENTS = [
  'Evenings were quiet for once.',
  'Still too many escalations.',
  'Had time for the migration plan.',
  null,
  null,
];

/** Parse the labelled corpus (`text,label`, one ticket per line) into subjects and bodies. */
export function parseCorpus(csv: string): CorpusTicket[] {
  const seen = new Set<string>();
  const out: CorpusTicket[] = [];
  for (const line of csv.split('\n').slice(1)) {
    const text = line.slice(0, line.lastIndexOf(',')).replace(/^"|"$/g, '').trim();
    const words = text.split(/\s+/).filter(Boolean);
    if (words.length < 4) continue;
    const subject = words.slice(0, Math.min(8, words.length)).join(' ');
    if (seen.has(subject)) continue;
    seen.add(subject);
    out.push({ subject: subject.charAt(0).toUpperCase() + subject.slice(1), body: text });
  }
  return out;
}

/** New York wall-clock hour `h` on the UTC day `day` (near enough: reports cut months by the tenant's zone). */
const localHour = (day: number, h: number) => day + (h + 5) * HOUR;

/**
 * Plan `from`..`to` (epoch ms) with about `perDay` tickets a weekday (a quarter of that on
 * weekend days). Actions after `to` are left out: those tickets stay open, as in a real month.
 */
export function planDemo(opts: {
  from: number;
  to: number;
  perDay: number;
  corpus: CorpusTicket[];
  random: Random;
}) {
  const { random: r, corpus } = opts;
  const actions: Action[] = [];
  let ticket = 0;
  let text = 0;
  const firstDay = Math.floor(opts.from / DAY) * DAY;
  for (let day = firstDay; day < opts.to; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const expected = weekend ? opts.perDay / 4 : opts.perDay;
    const count = Math.floor(expected) + (r.chance(expected - Math.floor(expected)) ? 1 : 0);
    for (let i = 0; i < count; i++) {
      // Most work in business hours; some in the evening and at night.
      const slot = r.next();
      const hour = slot < 0.7 ? r.int(8, 16) : slot < 0.9 ? r.int(17, 22) : r.int(0, 6);
      const at = localHour(day, hour) + r.int(0, 59) * MINUTE;
      const id = ticket++;
      actions.push({
        kind: 'arrive',
        at,
        ticket: id,
        channel: r.chance(0.7) ? 'web' : 'mail',
        requester: r.pick(REQUESTERS),
        text: corpus[text++ % corpus.length]!,
      });
      const respond = at + r.int(10, 240) * MINUTE;
      actions.push({ kind: 'respond', at: respond, ticket: id });
      let next = respond;
      if (r.chance(0.12)) {
        next += r.int(20, 120) * MINUTE;
        actions.push({ kind: 'handoff', at: next, ticket: id });
      }
      if (r.chance(0.6)) {
        next += r.int(30, 600) * MINUTE;
        actions.push({ kind: 'reply', at: next, ticket: id, note: r.chance(0.3) });
      }
      const resolve = next + r.int(1, 40) * HOUR;
      actions.push({ kind: 'resolve', at: resolve, ticket: id });
      if (r.chance(0.65)) {
        const roll = r.next();
        const rating = roll < 0.7 ? 'good' : roll < 0.9 ? 'okay' : 'bad';
        actions.push({ kind: 'rate', at: resolve + r.int(1, 8) * HOUR, ticket: id, rating });
      }
    }
    // Monitoring: a burst of one alert, repeated, most days; often cleared without action.
    if (r.chance(0.5)) {
      const id = ticket++;
      const subject = r.pick(ALERTS);
      const at = localHour(day, r.int(0, 23)) + r.int(0, 59) * MINUTE;
      const repeats = r.int(1, 5);
      for (let k = 0; k < repeats; k++)
        actions.push({ kind: 'alert', at: at + k * 7 * MINUTE, ticket: id, subject, repeat: k });
      const respond = at + repeats * 7 * MINUTE + r.int(5, 45) * MINUTE;
      actions.push({ kind: 'respond', at: respond, ticket: id });
      if (r.chance(0.4)) actions.push({ kind: 'reply', at: respond + 20 * MINUTE, ticket: id, note: true });
      actions.push({ kind: 'resolve', at: respond + r.int(1, 6) * HOUR, ticket: id });
    }
    // The team pulse goes out on the 25th; internal IT answers on the 26th.
    const date = new Date(day);
    if (date.getUTCDate() === 26) {
      actions.push({
        kind: 'pulse',
        at: localHour(day, 10),
        month: date.toISOString().slice(0, 7),
        score: r.int(2, 5),
        comment: r.pick(COMMENTS),
      });
    }
  }
  return actions.filter((a) => a.at >= opts.from && a.at <= opts.to).sort((a, b) => a.at - b.at);
}
