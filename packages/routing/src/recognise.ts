import type { Workload } from '@psa/model/division-of-work';
import { senderPatternToRegExp } from '@psa/model/division-of-work';
import type { Channel } from '@psa/model/ticket';

/**
 * Workload recognition: which workload of the division of work a ticket is about, and how sure
 * we are. Pure and deterministic: the same input and workloads always give the same answer.
 *
 * Text is normalised (lower case, accents and punctuation removed, contractions joined, simple
 * plurals and inflections stemmed, common compounds joined), then each workload is scored:
 *
 * - every keyword or phrase that occurs adds `weight x place factor`, where the place factor is
 *   {@link SUBJECT_FACTOR} in the subject, 1 in the requester's own body text and
 *   {@link QUOTED_FACTOR} in quoted or forwarded text (and in the subject of a forwarded mail):
 *   what someone forwards is evidence, what they write is the request. A term counts once, at
 *   its best place;
 * - a sender pattern match adds {@link SENDER_WEIGHT};
 * - when the workload lists channels, arriving by one of them adds {@link CHANNEL_BONUS} (only on
 *   top of other evidence) and arriving by another halves the workload's score.
 *
 * Scores become confidence in two steps. `strength = 1 - exp(-score / EVIDENCE_SCALE)` says how
 * much evidence there is (one weak hint in the body: about 0.2; a strong phrase in the subject:
 * about 0.9). The winner's confidence is `strength x (1 - runnerUpScore / (2 x topScore))`: a
 * clear winner keeps its strength, a tie halves it. No hits at all gives workload `null` and 0.
 */

/** Score at which strength reaches 1 - 1/e (about 0.63). */
export const EVIDENCE_SCALE = 4;
/** A term in the subject counts this many times its weight. */
export const SUBJECT_FACTOR = 2;
/** A term only in quoted/forwarded text counts this fraction of its weight. */
export const QUOTED_FACTOR = 0.5;
/** Evidence added by a sender pattern match. */
export const SENDER_WEIGHT = 3;
/** Evidence added by arriving on one of the workload's channels (only with other evidence). */
export const CHANNEL_BONUS = 0.5;

export interface RecogniseInput {
  subject: string;
  body: string;
  /** Requester / sender address. */
  senderEmail: string;
  channel: Channel;
}

/** The evidence found for one workload. */
export interface WorkloadEvidence {
  workload: string;
  /** Summed weighted evidence (0 = nothing). */
  score: number;
  /** How much evidence, ignoring competition: `1 - exp(-score / EVIDENCE_SCALE)`. */
  strength: number;
  /** Strength discounted by the strongest competitor. */
  confidence: number;
  /** Terms (as written in the division of work) that hit, strongest first, then `sender <pattern>`. */
  matched: string[];
}

export interface Recognition {
  /** The recognised workload, or null when nothing hit. */
  workload: string | null;
  /** 0..1; 0 when nothing hit. */
  confidence: number;
  /** The best other workload, when any other had evidence. */
  runnerUp: { workload: string; confidence: number } | null;
  /** Terms that hit for the recognised workload. */
  matched: string[];
  /** Every workload with evidence, best first (ties in document order). */
  candidates: WorkloadEvidence[];
}

// ---------------------------------------------------------------------------------------------
// Normalisation

/** Words the stemmer leaves alone ("monitoring" is not "monitor"). */
const STEM_EXCEPTIONS: ReadonlySet<string> = new Set(['monitoring', 'morning', 'evening', 'during', 'news']);

/** Light stemmer: plurals, -ed, -ing, final -e, doubled final consonants. Keeps short words and codes. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word) || STEM_EXCEPTIONS.has(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length - 3 >= 3) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length - 2 >= 3) w = undouble(w.slice(0, -2));
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  const n = w.length;
  if (n >= 3 && w[n - 1] === w[n - 2] && !/[aeioulsz]/.test(w[n - 1]!)) return w.slice(0, -1);
  return w;
}

/** Two-word spellings joined into one token (after stemming), so "log in", "log-in" and "login" agree. */
const COMPOUNDS: readonly [string, string, string][] = (
  [
    ['wi', 'fi', 'wifi'],
    ['e', 'mail', 'email'],
    ['anti', 'virus', 'antivirus'],
    ['anti', 'malware', 'antimalware'],
    ['log', 'in', 'login'],
    ['log', 'into', 'login'],
    ['log', 'on', 'logon'],
    ['sign', 'in', 'signin'],
    ['sign', 'into', 'signin'],
    ['sign', 'on', 'signon'],
    ['lock', 'out', 'lockout'],
    ['can', 'not', 'cant'],
    ['set', 'up', 'setup'],
    ['on', 'site', 'onsite'],
    ['pop', 'up', 'popup'],
    ['back', 'up', 'backup'],
    ['roll', 'out', 'rollout'],
    ['allow', 'list', 'allowlist'],
    ['white', 'list', 'whitelist'],
    ['one', 'drive', 'onedrive'],
    ['share', 'point', 'sharepoint'],
  ] as const
).map(([a, b, joined]) => [stem(a), stem(b), stem(joined)]);

const SINGLE_WORD_ALIASES: Readonly<Record<string, string>> = { cannot: 'cant' };

/**
 * Normalised tokens of a text: lower case, accents, apostrophes and punctuation removed,
 * inflections stemmed, compounds joined. Terms and tickets go through the same function.
 */
export function normalise(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .split(' ')
    .filter((w) => w.length > 0)
    .map((w) => stem(SINGLE_WORD_ALIASES[w] ?? w));
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    const compound = next === undefined ? undefined : COMPOUNDS.find(([a, b]) => a === w && b === next);
    if (compound) {
      out.push(compound[2]);
      i++;
    } else {
      out.push(w);
    }
  }
  return out;
}

/** A token sequence padded with spaces, so phrase search is a substring search on word boundaries. */
const padded = (tokens: readonly string[]): string => ` ${tokens.join(' ')} `;

const FORWARD_PREFIX = /^\s*(?:(?:re|aw|sv|antw)\s*:\s*)*(?:fw|fwd|wg|tr)\s*:/i;
const QUOTE_START =
  /^\s*(?:-{2,}\s*(?:original message|forwarded message)\s*-{2,}|begin forwarded message:|on .{1,200} wrote:\s*$|from:\s.+@.+|--\s*$|_{5,}\s*$|(?:confidentiality notice|disclaimer)\b)/i;

/**
 * Splits a body into the requester's own text and the rest: lines quoted with `>`, and everything
 * after a forward/reply header, a signature delimiter (`-- `) or a confidentiality notice.
 */
export function splitQuoted(body: string): { own: string; quoted: string } {
  const own: string[] = [];
  const quoted: string[] = [];
  let inQuote = false;
  for (const line of body.split(/\r?\n/)) {
    if (!inQuote && QUOTE_START.test(line)) inQuote = true;
    if (inQuote || /^\s*>/.test(line)) quoted.push(line.replace(/^[\s>]+/, ''));
    else own.push(line);
  }
  return { own: own.join('\n'), quoted: quoted.join('\n') };
}

export { senderPatternToRegExp } from '@psa/model/division-of-work';

// ---------------------------------------------------------------------------------------------
// Compiled workloads (cached per workloads array; the division of work is immutable once parsed)

interface CompiledTerm {
  term: string;
  key: string;
  weight: number;
}
interface CompiledWorkload {
  id: string;
  terms: CompiledTerm[];
  senders: { pattern: string; re: RegExp }[];
  channels: readonly Channel[] | undefined;
}

const compiledCache = new WeakMap<readonly Workload[], CompiledWorkload[]>();

function compile(workloads: readonly Workload[]): CompiledWorkload[] {
  const cached = compiledCache.get(workloads);
  if (cached) return cached;
  const compiled = workloads.map((w) => {
    const terms: CompiledTerm[] = [];
    for (const t of [...w.recognise.keywords, ...w.recognise.phrases]) {
      const tokens = normalise(t.term);
      if (tokens.length > 0) terms.push({ term: t.term, key: padded(tokens), weight: t.weight });
    }
    return {
      id: w.id,
      terms,
      senders: (w.recognise.senders ?? []).map((pattern) => ({
        pattern,
        re: senderPatternToRegExp(pattern),
      })),
      channels: w.recognise.channels,
    };
  });
  compiledCache.set(workloads, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// Scoring

/** Strength of evidence, 0..1, from a score. */
export const strengthOf = (score: number): number => (score <= 0 ? 0 : 1 - Math.exp(-score / EVIDENCE_SCALE));

/** How much of a workload's strength survives its best competitor (1 = unopposed, 0.5 = tie). */
export const competitionFactor = (score: number, competitor: number): number => {
  if (score <= 0) return 0;
  if (competitor <= 0) return 1;
  return score >= competitor ? 1 - competitor / (2 * score) : score / (2 * competitor);
};

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** Recognises the workload of a ticket. */
export function recognise(input: RecogniseInput, workloads: readonly Workload[]): Recognition {
  const compiled = compile(workloads);
  const forwarded = FORWARD_PREFIX.test(input.subject);
  const { own, quoted } = splitQuoted(input.body);
  const places = [
    { text: padded(normalise(input.subject)), factor: forwarded ? QUOTED_FACTOR : SUBJECT_FACTOR },
    { text: padded(normalise(own)), factor: 1 },
    { text: padded(normalise(quoted)), factor: QUOTED_FACTOR },
  ].sort((a, b) => b.factor - a.factor);
  const sender = input.senderEmail.trim().toLowerCase();

  const scored: { id: string; index: number; score: number; matched: string[] }[] = [];
  compiled.forEach((w, index) => {
    let score = 0;
    const hits: { term: string; points: number }[] = [];
    for (const t of w.terms) {
      const place = places.find((p) => p.text.includes(t.key));
      if (place) {
        const points = t.weight * place.factor;
        score += points;
        hits.push({ term: t.term, points });
      }
    }
    const senderHit = sender ? w.senders.find((s) => s.re.test(sender)) : undefined;
    if (senderHit) score += SENDER_WEIGHT;
    if (score > 0 && w.channels) {
      score = w.channels.includes(input.channel) ? score + CHANNEL_BONUS : score / 2;
    }
    if (score > 0) {
      const matched = hits.sort((a, b) => b.points - a.points).map((h) => h.term);
      if (senderHit) matched.push(`sender ${senderHit.pattern}`);
      scored.push({ id: w.id, index, score, matched });
    }
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);

  const top = scored[0]?.score ?? 0;
  const second = scored[1]?.score ?? 0;
  const candidates: WorkloadEvidence[] = scored.map((s, i) => {
    const competitor = i === 0 ? second : top;
    const strength = strengthOf(s.score);
    return {
      workload: s.id,
      score: round(s.score),
      strength: round(strength),
      confidence: round(strength * competitionFactor(s.score, competitor)),
      matched: s.matched,
    };
  });
  const best = candidates[0];
  const next = candidates[1];
  return {
    workload: best?.workload ?? null,
    confidence: best?.confidence ?? 0,
    runnerUp: next ? { workload: next.workload, confidence: next.confidence } : null,
    matched: best?.matched ?? [],
    candidates,
  };
}
