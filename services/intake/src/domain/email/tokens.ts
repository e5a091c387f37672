/**
 * Ticket tokens in subjects ("[ACME-1042]") and subject normalisation (pure).
 */

export type TicketToken = { prefix: string; number: number };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const ANY_PREFIX = '[A-Za-z][A-Za-z0-9_]{0,19}';

function bracketed(prefix: string): RegExp {
  // [ACME-1042], [ ACME-1042 ], [ACME - 1042], [#ACME-1042], [ACME#1042], [Ticket ACME-1042]
  return new RegExp(`\\[\\s*(?:ticket\\s*)?#?\\s*(${prefix})\\s*[-#:]\\s*#?(\\d{1,12})\\s*\\]`, 'gi');
}

function toToken(
  prefix: string | undefined,
  digits: string | undefined,
  wanted?: string,
): TicketToken | null {
  if (!prefix || !digits) return null;
  const number = Number(digits);
  if (!Number.isSafeInteger(number) || number <= 0) return null;
  return { prefix: wanted ?? prefix.toUpperCase(), number };
}

/**
 * The ticket token in a subject: "[ACME-1042]" anywhere (also with spaces inside the brackets,
 * after Re:/Fwd: prefixes, or as "[#ACME-1042]"). With `prefix` given, only that prefix counts
 * (case-insensitive) and a bare "ACME-1042" outside brackets is accepted too. The last bracketed
 * token wins when there are several of the wanted prefix (the newest ticket a thread was moved to
 * is usually appended), otherwise the first one.
 */
export function findTicketToken(subject: string, prefix?: string): TicketToken | null {
  if (!subject) return null;
  const wanted = prefix?.trim();
  const pattern = wanted ? escapeRegExp(wanted) : ANY_PREFIX;
  const matches = [...subject.matchAll(bracketed(pattern))];
  if (matches.length > 0) {
    const chosen = wanted ? matches[matches.length - 1] : matches[0];
    const token = toToken(chosen?.[1], chosen?.[2], wanted ? wanted.toUpperCase() : undefined);
    if (token) return token;
  }
  if (wanted) {
    const bare = new RegExp(`(?:^|[^A-Za-z0-9_-])(${pattern})-(\\d{1,12})(?![A-Za-z0-9_-])`, 'i').exec(
      subject,
    );
    return toToken(bare?.[1], bare?.[2], wanted.toUpperCase());
  }
  return null;
}

const REPLY_PREFIX =
  /^\s*(?:re|aw|antw|antwort|sv|vs|odp|ynt|atb|rif|res|r[eé]f|fw|fwd|wg|tr|rv|enc|doorst|vl|pd|fs|wtr|vb|reenv|i)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/i;

/**
 * A subject without reply/forward prefixes (Re:, Fwd:, AW:, WG:, SV:, Antw:, TR:, RIF:, ... also
 * "Re[2]:"), without ticket tokens, whitespace folded. Useful to compare subjects across a thread.
 */
export function normaliseSubject(s: string, prefix?: string): string {
  let out = (s ?? '').replace(/\s+/g, ' ');
  const tokenPattern = prefix ? escapeRegExp(prefix.trim()) : ANY_PREFIX;
  out = out.replace(bracketed(tokenPattern), ' ');
  for (let i = 0; i < 20; i += 1) {
    const next = out.replace(REPLY_PREFIX, '');
    if (next === out) break;
    out = next;
  }
  return out.replace(/\s+/g, ' ').trim();
}
