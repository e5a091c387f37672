import type { Random } from './prng.ts';

/** One ticket a chaos run submits, over the API or as a mail, retried until acknowledged. */
export interface ChaosItem {
  index: number;
  /** Found in the ticket's subject (and body): how the audit tells which ticket came of which item. */
  tag: string;
  channel: 'web' | 'mail';
  /** The web request's Idempotency-Key, or the mail's Message-ID: the same on every retry. */
  key: string;
  subject: string;
  body: string;
  /** Web: which of the run's tokens submits it. Mail: the sender. */
  from: string;
  fromName: string;
  /** A mail of a few hundred KB. */
  large: boolean;
  /** Which kinds of odd characters it carries. */
  odd: string[];
}

export const TAG = /\bchaos-(\d+):/;

const SUBJECTS = [
  'Locked out of my account',
  'VPN keeps dropping every few minutes',
  'Laptop screen cracked',
  'Need access to the Finance share',
  'Antivirus alert on my PC',
  'Printer on floor 3 jams',
  'Outlook will not sync my calendar',
  'New starter needs a laptop and an account',
  'Password reset for the payroll system',
  'Teams calls drop when sharing screen',
  'Server room temperature alarm',
  'Cannot print to the plotter',
  'Phishing mail received, clicked the link',
  'MFA prompt never arrives on my phone',
  'Wi-Fi in meeting room B is down',
  'Request: install Visio',
  'ERP is very slow since this morning',
  'Backup job failed on the file server',
];

/** Odd text a user, a mail client or an attacker sends; none of it is NUL (SMTP and JSON carry it). */
export const ODD: Record<string, readonly string[]> = {
  emoji: ['😀', '🔥', '👩‍💻', '🇺🇸', '🧯', '🙏🏽'],
  noncharacter: ['\uFFFE', '\uFFFF', '\uFDD0'],
  rtl: ['שלום, המדפסת לא עובדת', 'مرحبا، الطابعة لا تعمل', '\u202Egnp.exe\u202C', '\u200F\u200E'],
  control: [
    '\u0001',
    '\u0007',
    '\u0008',
    '\u000B',
    '\u000C',
    '\u001B[31m',
    '\u001F',
    '\u007F',
    '\u0085',
    '\u009B',
  ],
  other: ['e\u0301', '\u200B', '\uFEFF', '𠜎', '\u2028', 'Ω≈ç√∫'],
};
const KINDS = Object.keys(ODD);

const PARAGRAPHS = [
  'It started this morning after the update.',
  'I already restarted twice and it did not help.',
  'Several colleagues on my floor see the same thing.',
  'This blocks the month-end close, please look at it soon.',
  'The error message says something about a certificate.',
  'I am working from home today, call me on my mobile.',
];

function oddText(random: Random, kinds: string[]): string {
  return kinds.map((k) => random.pick(ODD[k]!)).join(' ');
}

/** `n` bytes or so of plain text: what a pasted log or a long thread looks like. */
function bulk(random: Random, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  let i = 0;
  while (size < bytes) {
    const line = `${String(i++).padStart(6, '0')} ${new Date(1_750_000_000_000 + i * 1000).toISOString()} ${random.pick(PARAGRAPHS)} ${random.pick(SUBJECTS)}`;
    lines.push(line);
    size += Buffer.byteLength(line) + 2;
  }
  return lines.join('\n');
}

/**
 * The run's tickets, from its seed: `mailShare` of them mails (of which `largeShare` are a few
 * hundred KB), a third or so with odd characters in the subject, most with some in the body.
 */
export function buildCorpus(
  random: Random,
  count: number,
  opts: { mailShare: number; largeShare: number; requesters: number; largeKb: [number, number] },
): ChaosItem[] {
  const items: ChaosItem[] = [];
  for (let index = 0; index < count; index++) {
    const channel = random.chance(opts.mailShare) ? 'mail' : 'web';
    const large = channel === 'mail' && random.chance(opts.largeShare);
    const odd = KINDS.filter(() => random.chance(0.45));
    const tag = `chaos-${index}:`;
    const subjectOdd = random.chance(0.35) && odd.length > 0 ? ` ${oddText(random, [random.pick(odd)])}` : '';
    const subject = `${tag} ${random.pick(SUBJECTS)}${subjectOdd}`;
    const paragraphs = [random.pick(PARAGRAPHS), random.pick(PARAGRAPHS)];
    if (odd.length > 0) paragraphs.push(oddText(random, odd));
    const body = [
      `Hello,`,
      ...paragraphs,
      large ? bulk(random, random.int(opts.largeKb[0], opts.largeKb[1]) * 1024) : '',
      `(${tag.slice(0, -1)})`,
      'Thanks',
    ]
      .filter(Boolean)
      .join('\n\n');
    const user = random.int(0, opts.requesters - 1);
    items.push({
      index,
      tag,
      channel,
      key:
        channel === 'web'
          ? `chaos-${index}-${random.int(0, 1e9).toString(36)}`
          : `<chaos.${index}.${random.int(0, 1e9).toString(36)}@mail.chaos.example>`,
      subject,
      body,
      from: `user${user}@acme.example`,
      fromName: random.chance(0.3) ? `User ${user} ${oddText(random, ['rtl'])}` : `User ${user}`,
      large,
      odd,
    });
  }
  return items;
}
