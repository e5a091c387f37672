/**
 * An Amazon EventBridge event-pattern matcher, so that rules can be checked locally and in tests
 * exactly as the bus would apply them. The semantics are those of aws/event-ruler, the matching
 * library behind EventBridge (https://github.com/aws/event-ruler), as documented in the EventBridge
 * user guide (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html).
 *
 * How event-ruler works, and so how this does:
 * - The pattern is flattened to field names joined with "." (`{"detail": {"state": [...]}}` is the
 *   field `detail.state`), each with a list of allowed values; a field matches if any value matches,
 *   and the pattern matches if every field does. `$or` forks the pattern into alternatives.
 * - The event is flattened the same way into leaf values. Arrays are "crushed out": every element is
 *   a value of the same field, so `["a", "b"]` matches a pattern listing "b". Objects and empty
 *   arrays are not values, which is why `exists` only sees leaves.
 * - Array consistency: values matched inside objects that are elements of an array must all come
 *   from the same element (https://github.com/aws/event-ruler#json-array-matching).
 */
import {
  compileMatcher,
  EventPatternError,
  fail,
  isPlainObject,
  type Leaf,
  type Matcher,
} from './event-pattern-ops.ts';

export { EventPatternError };

/** One field of a flattened pattern: its dotted name and the matchers for its value array. */
interface FieldRule {
  readonly name: string;
  readonly matchers: readonly Matcher[];
  readonly absentAllowed: boolean;
}

/**
 * One alternative of a pattern (a pattern without `$or` has exactly one): its fields, sorted by
 * name. event-ruler's state machine visits a rule's fields in that order, which matters for how
 * `exists: false` interacts with array consistency, so it is kept.
 */
type Branch = readonly FieldRule[];

/** Which element of each enclosing array a value came from: array id -> element index. */
type Membership = ReadonlyMap<number, number>;

interface EventField {
  readonly value: Leaf;
  readonly membership: Membership;
}

/** A pattern checked and compiled once, to match many events. */
export interface CompiledPattern {
  /** True if the event (a JSON object) matches the pattern. */
  matches(event: unknown): boolean;
}

// Inside `$or`, event-ruler refuses field names that are (or are reserved to become) operators
// (its Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP); such an `$or` is then read as a plain field.
const RESERVED_IN_OR = new Set([
  'equals',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/**
 * Checks an event pattern and compiles it for repeated matching.
 *
 * @param pattern the parsed JSON pattern, e.g. `{"source": ["aws.ec2"], "detail": {"state": [{"prefix": "run"}]}}`
 * @throws EventPatternError if EventBridge would reject the pattern (a leaf that is not an array, an
 *   empty object or array, an unknown operator, a malformed operand...); the message names the field.
 */
export function compilePattern(pattern: unknown): CompiledPattern {
  const branches = compileBranches(pattern);
  return {
    matches(event: unknown): boolean {
      if (!isPlainObject(event)) return false;
      const fields = flattenEvent(event);
      return branches.some((branch) => matchesBranch(branch, fields));
    },
  };
}

/**
 * Throws an {@link EventPatternError} naming the problem if `pattern` is not a valid EventBridge
 * event pattern; returns normally otherwise.
 */
export function validatePattern(pattern: unknown): void {
  compileBranches(pattern);
}

const compiledCache = new WeakMap<object, CompiledPattern>();

/**
 * True if `event` matches the EventBridge event `pattern`, as EventBridge (aws/event-ruler) decides.
 * Both are parsed JSON. An event that is not a JSON object matches nothing. Compiled patterns are
 * cached by object identity, so do not mutate a pattern between calls; use {@link compilePattern}
 * to hold a compiled pattern explicitly.
 *
 * @throws EventPatternError if the pattern is invalid (see {@link validatePattern}).
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isPlainObject(pattern)) return compilePattern(pattern).matches(event); // throws
  let compiled = compiledCache.get(pattern);
  if (!compiled) {
    compiled = compilePattern(pattern);
    compiledCache.set(pattern, compiled);
  }
  return compiled.matches(event);
}

// ---------------------------------------------------------------------------------------------
// Pattern compilation, after event-ruler's JsonRuleCompiler.

type MutableBranch = Map<string, FieldRule>;

function compileBranches(pattern: unknown): Branch[] {
  if (!isPlainObject(pattern)) fail('', 'a pattern must be a JSON object');
  const branches: MutableBranch[] = [];
  parseObject(branches, undefined, pattern);
  return branches.map((branch) => [...branch.values()].sort((a, b) => compareNames(a.name, b.name)));
}

/** Java's String.compareTo order (UTF-16 code units), which event-ruler sorts field names by. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const join = (prefix: string | undefined, key: string): string =>
  prefix === undefined ? key : `${prefix}.${key}`;

function parseObject(
  branches: MutableBranch[],
  prefix: string | undefined,
  object: Record<string, unknown>,
): void {
  const entries = Object.entries(object);
  if (entries.length === 0) fail(prefix ?? '', 'empty objects are not allowed');
  for (const [key, value] of entries) {
    if (key === '$or' && isOrRelationship(value)) {
      parseOr(branches, prefix, value);
    } else if (isPlainObject(value)) {
      parseObject(branches, join(prefix, key), value);
    } else if (Array.isArray(value)) {
      addField(branches, join(prefix, key), value);
    } else {
      fail(join(prefix, key), 'a pattern field must be an object or an array of values');
    }
  }
}

/**
 * `"$or": [ {...}, {...} ]` is an alternative when it lists at least two objects that use no
 * reserved names; otherwise event-ruler falls back to reading `$or` as an ordinary field name
 * (https://github.com/aws/event-ruler#the-or-primitive).
 */
function isOrRelationship(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    value.every((branch) => isPlainObject(branch) && !usesReservedName(branch))
  );
}

function usesReservedName(object: Record<string, unknown>): boolean {
  return Object.entries(object).some(([key, value]) => {
    if (RESERVED_IN_OR.has(key)) return true;
    if (key === '$or' && Array.isArray(value))
      return value.some((v) => isPlainObject(v) && usesReservedName(v));
    return isPlainObject(value) && usesReservedName(value);
  });
}

/** Each alternative is a copy of every branch so far, extended with the alternative's fields. */
function parseOr(
  branches: MutableBranch[],
  prefix: string | undefined,
  alternatives: Record<string, unknown>[],
) {
  const before = branches.splice(0);
  for (const alternative of alternatives) {
    const forked = before.length > 0 ? before.map((branch) => new Map(branch)) : [new Map()];
    parseObject(forked, prefix, alternative);
    branches.push(...forked);
  }
}

function addField(branches: MutableBranch[], name: string, values: unknown[]): void {
  if (values.length === 0) fail(name, 'empty arrays are not allowed');
  const matchers = values.map((value) => compileMatcher(value, name));
  const field: FieldRule = { name, matchers, absentAllowed: matchers.some((m) => m.kind === 'absent') };
  if (branches.length === 0) branches.push(new Map());
  // A later mention of the same (flattened) name replaces the earlier one, as in event-ruler.
  for (const branch of branches) branch.set(name, field);
}

// ---------------------------------------------------------------------------------------------
// Event flattening, after event-ruler's Event class.

function flattenEvent(event: Record<string, unknown>): Map<string, EventField[]> {
  const fields = new Map<string, EventField[]>();
  let arrayCount = 0;
  const visit = (name: string, value: unknown, membership: Membership): void => {
    if (Array.isArray(value)) {
      const arrayId = arrayCount++;
      value.forEach((element, index) => {
        // Only objects and arrays inside an array record which element they are: a primitive
        // element cannot conflict with another field.
        const nested = typeof element === 'object' && element !== null;
        visit(name, element, nested ? new Map(membership).set(arrayId, index) : membership);
      });
    } else if (isPlainObject(value)) {
      for (const [key, child] of Object.entries(value)) visit(join(name, key), child, membership);
    } else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      const list = fields.get(name) ?? [];
      list.push({ value: value as Leaf, membership });
      fields.set(name, list);
    }
    // Anything else (undefined, functions) cannot come from JSON and is ignored.
  };
  for (const [key, value] of Object.entries(event)) visit(key, value, new Map());
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Matching, after event-ruler's array-consistent finder (ACFinder).

/** The union of two memberships, or undefined if they name different elements of one array. */
function merge(a: Membership, b: Membership): Membership | undefined {
  let merged: Map<number, number> | undefined;
  for (const [arrayId, index] of b) {
    const existing = a.get(arrayId);
    if (existing === index) continue;
    if (existing !== undefined) return undefined;
    merged ??= new Map(a);
    merged.set(arrayId, index);
  }
  return merged ?? a;
}

function membershipKey(m: Membership): string {
  return [...m]
    .sort(([x], [y]) => x - y)
    .map(([id, index]) => `${id}:${index}`)
    .join(',');
}

/**
 * Walks the branch's fields in order, keeping every distinct array membership that the values
 * matched so far can have. A field is satisfied by a matching value consistent with a membership,
 * or, for `exists: false`, by having no value consistent with it: so `{"exists": false}` next to
 * another field of an array of objects asks about the same element.
 */
function matchesBranch(branch: Branch, fields: Map<string, EventField[]>): boolean {
  let frontier: Membership[] = [new Map()];
  for (const rule of branch) {
    const present = fields.get(rule.name) ?? [];
    const matching = present.filter((field) =>
      rule.matchers.some((matcher) => matcher.kind === 'test' && matcher.test(field.value)),
    );
    const next = new Map<string, Membership>();
    for (const membership of frontier) {
      if (rule.absentAllowed && !present.some((field) => merge(membership, field.membership))) {
        next.set(membershipKey(membership), membership);
      }
      for (const field of matching) {
        const merged = merge(membership, field.membership);
        if (merged) next.set(membershipKey(merged), merged);
      }
    }
    if (next.size === 0) return false;
    frontier = [...next.values()];
  }
  return true;
}
