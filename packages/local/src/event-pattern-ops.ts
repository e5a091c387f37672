/**
 * The value operators of Amazon EventBridge event patterns: each element of a pattern's value array
 * compiles to a {@link Matcher}. The semantics follow aws/event-ruler, the library behind EventBridge
 * (https://github.com/aws/event-ruler), and the EventBridge user guide
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
 */

/** A JSON leaf value, as found at the end of a path through an event. */
export type Leaf = string | number | boolean | null;

/**
 * One compiled element of a pattern's value array: either a test on a leaf value, or `absent`
 * (`{"exists": false}`), which is satisfied by the lack of a value rather than by a value.
 */
export type Matcher =
  | { readonly kind: 'absent' }
  | { readonly kind: 'test'; readonly test: (value: Leaf) => boolean };

/** Thrown for a pattern that EventBridge would reject; the message names the field and the problem. */
export class EventPatternError extends Error {
  override name = 'EventPatternError';
}

/** Throws an {@link EventPatternError} about the field `at` (a dotted path; empty for the whole pattern). */
export function fail(at: string, problem: string): never {
  throw new EventPatternError(
    at ? `Invalid event pattern at "${at}": ${problem}` : `Invalid event pattern: ${problem}`,
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const test = (fn: (value: Leaf) => boolean): Matcher => ({ kind: 'test', test: fn });
const isString = (value: Leaf): value is string => typeof value === 'string';
const fold = (s: string): string => s.toLowerCase();

/** Compiles one element of a pattern value array: a literal to match exactly, or a match expression. */
export function compileMatcher(element: unknown, at: string): Matcher {
  if (isPlainObject(element)) return compileExpression(element, at);
  if (element === null || ['string', 'number', 'boolean'].includes(typeof element)) {
    return test(exactMatcher(element as Leaf));
  }
  return fail(at, 'match values must be strings, numbers, true, false, null or match expressions');
}

function exactMatcher(expected: Leaf): (value: Leaf) => boolean {
  if (typeof expected === 'string') {
    // event-ruler turns a literal that is an IP address into an address range, so "10.0.0.1"
    // also matches other spellings of the same address (e.g. IPv6 with or without zero groups).
    const ip = parseIp(expected);
    if (ip) return (value) => value === expected || (isString(value) && sameBytes(parseIp(value), ip));
  }
  // Numbers are compared by value: the event's 5.0 and the pattern's 5 are one JSON number.
  return (value) => value === expected;
}

/** Returns the single `[operator, argument]` of a match expression such as `{"prefix": "abc"}`. */
function onlyEntry(expr: Record<string, unknown>, at: string): [string, unknown] {
  const entries = Object.entries(expr);
  if (entries.length !== 1) fail(at, `a match expression must have exactly one key, got ${entries.length}`);
  return entries[0]!;
}

function stringArg(value: unknown, at: string, op: string): string {
  if (typeof value !== 'string') fail(at, `"${op}" must be given a string`);
  return value;
}

function compileExpression(expr: Record<string, unknown>, at: string): Matcher {
  const [op, arg] = onlyEntry(expr, at);
  switch (op) {
    case 'exists':
      if (typeof arg !== 'boolean') fail(at, '"exists" must be true or false');
      // event-ruler only sees leaf values, so exists:true matches any leaf (null included); an object
      // or an empty array is no value at all.
      return arg ? test(() => true) : { kind: 'absent' };
    case 'equals': {
      const expected = stringArg(arg, at, op);
      return test((value) => value === expected);
    }
    case 'prefix':
    case 'suffix':
      return test(affixMatcher(op, arg, at));
    case 'equals-ignore-case': {
      const expected = fold(stringArg(arg, at, op));
      return test((value) => isString(value) && fold(value) === expected);
    }
    case 'wildcard': {
      const re = wildcardRegExp(stringArg(arg, at, op), at);
      return test((value) => isString(value) && re.test(value));
    }
    case 'numeric':
      return test(numericMatcher(arg, at));
    case 'cidr':
      return test(cidrMatcher(stringArg(arg, at, op), at));
    case 'anything-but':
      return test(anythingButMatcher(arg, at));
    default:
      return fail(at, `unknown operator "${op}"`);
  }
}

/** `{"prefix": "abc"}` or `{"prefix": {"equals-ignore-case": "aBc"}}`, and the same for suffix. */
function affixMatcher(op: 'prefix' | 'suffix', arg: unknown, at: string): (value: Leaf) => boolean {
  let ignoreCase = false;
  let affix: string;
  if (isPlainObject(arg)) {
    const [inner, innerArg] = onlyEntry(arg, at);
    if (inner !== 'equals-ignore-case') fail(at, `unsupported "${op}" operator "${inner}"`);
    ignoreCase = true;
    affix = fold(stringArg(innerArg, at, `${op}/${inner}`));
  } else {
    affix = stringArg(arg, at, op);
  }
  return (value) => {
    if (!isString(value)) return false;
    const s = ignoreCase ? fold(value) : value;
    return op === 'prefix' ? s.startsWith(affix) : s.endsWith(affix);
  };
}

/**
 * `*` matches any run of characters (none included); `\*` is a literal asterisk and `\\` a literal
 * backslash. Like event-ruler, consecutive wildcards and any other escape are rejected.
 */
export function wildcardRegExp(pattern: string, at: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\')
        fail(at, `wildcard "${pattern}": a backslash may only escape * or \\`);
      source += `\\${next}`;
      i++;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') fail(at, `wildcard "${pattern}": consecutive wildcard characters`);
      source += '.*';
    } else {
      source += c.replace(/[.+?^${}()|[\]/-]/, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

// event-ruler compares numbers as fixed-point values with six decimal places, in the range
// -5e11..5e11 (its ComparableNumber); a number outside that is not numeric for numeric operators.
const MICROS_PER_UNIT = 1_000_000n;
const NUMERIC_LIMIT = 500_000_000_000n * MICROS_PER_UNIT;

/** A number as an exact count of millionths, or undefined when it has more than six decimals or is out of range. */
export function toMicros(n: number): bigint | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (!m) return undefined; // NaN or Infinity
  const [, sign, whole, fraction = '', exponent = '0'] = m;
  let digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, '');
  let scale = fraction.length - Number(exponent);
  while (scale > 0 && digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale--;
  }
  if (scale > 6) return undefined;
  const micros = BigInt(digits) * 10n ** BigInt(6 - scale) * (sign ? -1n : 1n);
  return micros < -NUMERIC_LIMIT || micros > NUMERIC_LIMIT ? undefined : micros;
}

const LOWER_OPS = new Set(['<', '<=']);
const UPPER_OPS = new Set(['>', '>=']);

/** `{"numeric": ["=", 5]}`, `[">", 0, "<=", 5]`, `["<", 10]` and the like. */
function numericMatcher(arg: unknown, at: string): (value: Leaf) => boolean {
  if (!Array.isArray(arg)) fail(at, '"numeric" must be an array');
  const bound = (i: number): bigint => {
    const n = arg[i];
    if (typeof n !== 'number') fail(at, `numeric: the value after "${String(arg[i - 1])}" must be a number`);
    const micros = toMicros(n);
    if (micros === undefined) fail(at, `numeric: ${n} is outside -5e11..5e11 or has more than 6 decimals`);
    return micros;
  };
  const op = arg[0];
  let lo = -NUMERIC_LIMIT;
  let hi = NUMERIC_LIMIT;
  let loOpen = false;
  let hiOpen = false;
  let length = 2;
  if (op === '=') {
    lo = hi = bound(1);
  } else if (typeof op === 'string' && LOWER_OPS.has(op)) {
    hi = bound(1);
    hiOpen = op === '<';
  } else if (typeof op === 'string' && UPPER_OPS.has(op)) {
    lo = bound(1);
    loOpen = op === '>';
    if (arg.length > 2) {
      const upper = arg[2];
      if (typeof upper !== 'string' || !LOWER_OPS.has(upper))
        fail(at, `numeric: bad range operator "${upper}"`);
      hi = bound(3);
      hiOpen = upper === '<';
      if (lo >= hi) fail(at, 'numeric: the lower bound must be less than the upper bound');
      length = 4;
    }
  } else {
    fail(at, `numeric: unknown operator "${String(op)}"`);
  }
  if (arg.length !== length) fail(at, 'numeric: wrong number of elements');
  return (value) => {
    if (typeof value !== 'number') return false;
    const n = toMicros(value);
    if (n === undefined) return false;
    return (loOpen ? n > lo : n >= lo) && (hiOpen ? n < hi : n <= hi);
  };
}

/**
 * Parses an IPv4 or IPv6 literal to its bytes. As in event-ruler (which uses Java's InetAddress), an
 * IPv4-mapped IPv6 address is the IPv4 address, and IPv6 with an embedded dotted quad is not accepted.
 */
export function parseIp(text: string): Uint8Array | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) {
    const octets = text.split('.').map(Number);
    return octets.every((o) => o <= 255) ? Uint8Array.from(octets) : undefined;
  }
  if (!/^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const explicit = head.length + tail.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const groups = [...head, ...Array<string>(8 - explicit).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const bytes = Uint8Array.from(
    groups.flatMap((g) => [Number.parseInt(g, 16) >> 8, Number.parseInt(g, 16) & 0xff]),
  );
  const v4Mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return v4Mapped ? bytes.slice(12) : bytes;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * `{"cidr": "10.0.0.0/24"}`. As in event-ruler's CIDR class, the range runs from the address as
 * written up to that address with all host bits set.
 */
function cidrMatcher(cidr: string, at: string): (value: Leaf) => boolean {
  const parts = cidr.split('/');
  const base = parts.length === 2 ? parseIp(parts[0]!) : undefined;
  const bits = parts.length === 2 && /^\d+$/.test(parts[1]!) ? Number(parts[1]) : -1;
  if (!base || bits < 0 || bits > base.length * 8) fail(at, `malformed CIDR "${cidr}"`);
  const top = base.map((byte, i) => {
    const hostBits = Math.min(8, Math.max(0, base.length * 8 - bits - (base.length - 1 - i) * 8));
    return byte | ((1 << hostBits) - 1);
  });
  return (value) => {
    const ip = isString(value) ? parseIp(value) : undefined;
    return ip?.length === base.length && compareBytes(ip, base) >= 0 && compareBytes(ip, top) <= 0;
  };
}

type StringTest = (candidate: string, value: string) => boolean;

const ANYTHING_BUT_OPS: Record<string, StringTest> = {
  prefix: (p, value) => value.startsWith(p),
  suffix: (s, value) => value.endsWith(s),
  'equals-ignore-case': (e, value) => fold(value) === fold(e),
};

/**
 * `anything-but` matches every value except those listed. Like event-ruler it holds for values of
 * another type: a number is "anything but" a list of strings, and a string anything but numbers.
 */
function anythingButMatcher(arg: unknown, at: string): (value: Leaf) => boolean {
  if (isPlainObject(arg)) {
    const [op, inner] = onlyEntry(arg, at);
    if (op !== 'wildcard' && !Object.hasOwn(ANYTHING_BUT_OPS, op))
      fail(at, `unsupported anything-but operator "${op}"`);
    const values = typeof inner === 'string' ? [inner] : inner;
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
      fail(at, `anything-but/${op} must be given a string or a list of strings`);
    }
    let excluded: (value: string) => boolean;
    if (op === 'wildcard') {
      const regexps = values.map((w) => wildcardRegExp(w, at));
      excluded = (value) => regexps.some((re) => re.test(value));
    } else {
      if (op !== 'equals-ignore-case' && values.includes(''))
        fail(at, `anything-but/${op} must not be empty`);
      const opTest = ANYTHING_BUT_OPS[op]!;
      excluded = (value) => values.some((v) => opTest(v, value));
    }
    return (value) => !isString(value) || !excluded(value);
  }
  const values: unknown[] = Array.isArray(arg) ? arg : [arg];
  if (values.length > 0 && values.every((v) => typeof v === 'string')) {
    return (value) => !isString(value) || !values.includes(value);
  }
  if (values.length > 0 && values.every((v) => typeof v === 'number')) {
    const excluded = new Set(
      values.map((v) => toMicros(v) ?? fail(at, `anything-but: ${v} is outside -5e11..5e11 or too precise`)),
    );
    return (value) => {
      const n = typeof value === 'number' ? toMicros(value) : undefined;
      return n === undefined || !excluded.has(n);
    };
  }
  return fail(at, 'anything-but takes a string, a number, or a non-empty list of all strings or all numbers');
}
