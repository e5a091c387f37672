import { type DivisionOfWork, DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { PayloadTooLargeError, ValidationError } from '@psa/model/errors';
import { parse as parseYaml, stringify as stringifyYaml, YAMLParseError } from 'yaml';
import * as z from 'zod';
import { publicHolidayIssues, resolveDivisionOfWorkHolidays } from './public-holidays.ts';

/**
 * A division-of-work document as an editor writes it (JSON or YAML): parsed, checked field by
 * field with JSON paths, and turned into the next version. Pure: the division-of-work API, the
 * what-if simulation and the operator CLI read documents the same way.
 */

export type Issue = { path: string; message: string };

/** Largest document body accepted (the shipped default is about 30 KB of JSON). */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

/** A clock may run this far ahead of the editor's without `effectiveFrom` counting as future. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Kept here too, where the document limit's callers have always found it. */
export { PayloadTooLargeError };

export type DocumentFormat = 'json' | 'yaml';

/**
 * Parses a JSON or YAML text. YAML is read as YAML 1.2 (so `08:00` stays a string and `no` is not
 * false), with duplicate keys refused and aliases capped (no "billion laughs").
 * A syntax error is a ValidationError at `root`, with the line and column.
 */
export function parseDocumentText(text: string, format: DocumentFormat, root = 'body'): unknown {
  if (Buffer.byteLength(text, 'utf8') > MAX_DOCUMENT_BYTES) {
    throw new PayloadTooLargeError(`a document may be at most ${MAX_DOCUMENT_BYTES} bytes`);
  }
  if (!text.trim()) throw new ValidationError('empty document', [{ path: root, message: 'required' }]);
  try {
    return format === 'json'
      ? JSON.parse(text)
      : parseYaml(text, { version: '1.2', uniqueKeys: true, maxAliasCount: 100, prettyErrors: true });
  } catch (err) {
    const where =
      err instanceof YAMLParseError && err.linePos
        ? `line ${err.linePos[0].line}, column ${err.linePos[0].col}: `
        : '';
    const message = err instanceof YAMLParseError ? err.message.split('\n')[0]! : (err as Error).message;
    throw new ValidationError(
      `${format === 'json' ? 'body is not valid JSON' : 'body is not valid YAML'}`,
      [{ path: root, message: `${where}${message.replace(/ at line \d+, column \d+:?$/, '')}` }],
      { cause: err },
    );
  }
}

/** The document as YAML, for editors who asked for it. */
export function toYaml(document: unknown): string {
  return stringifyYaml(document, { lineWidth: 0 });
}

/** The schema a wrapper (optional, default, nullable, readonly, catch, a pipe's input) stands for. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (
      s instanceof z.ZodOptional ||
      s instanceof z.ZodNullable ||
      s instanceof z.ZodDefault ||
      s instanceof z.ZodPrefault ||
      s instanceof z.ZodNonOptional ||
      s instanceof z.ZodReadonly ||
      s instanceof z.ZodCatch
    ) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) {
      s = s.in as z.ZodType;
    } else {
      return s;
    }
  }
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Fields in `value` the schema does not know. The division-of-work schema strips unknown keys, so
 * without this a misspelt `afterHoursOwnr: partner` would vanish and the editor believe it applied.
 * Walks the input beside the schema (through zod's public API: an object's `shape`, an array's
 * `element`, a record's `valueType`), so it reports even when other fields are invalid. Only a
 * schema's own fields count: `__proto__`, `constructor` or `toString` are unknown like any other.
 */
export function unknownFields(schema: z.ZodType, value: unknown, path: (string | number)[] = []): Issue[] {
  const s = unwrapped(schema);
  const out: Issue[] = [];
  if (s instanceof z.ZodObject && isMapping(value)) {
    const shape = s.shape as Record<string, z.ZodType>;
    for (const [k, v] of Object.entries(value)) {
      if (Object.hasOwn(shape, k)) out.push(...unknownFields(shape[k]!, v, [...path, k]));
      else out.push({ path: [...path, k].join('.'), message: 'unknown field' });
    }
  } else if (s instanceof z.ZodArray && Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push(...unknownFields(s.element as z.ZodType, v, [...path, i]));
    });
  } else if (s instanceof z.ZodRecord && isMapping(value)) {
    for (const [k, v] of Object.entries(value)) {
      out.push(...unknownFields(s.valueType as z.ZodType, v, [...path, k]));
    }
  }
  return out;
}

const zodIssues = (error: z.ZodError): Issue[] =>
  error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));

/** Issue paths under a prefix: `workloads.3.owner` -> `body.workloads.3.owner`. */
export const prefixIssues = (prefix: string, issues: Issue[]): Issue[] =>
  prefix
    ? issues.map((i) => ({ path: i.path ? `${prefix}.${i.path}` : prefix, message: i.message }))
    : issues;

export type CheckedDocument =
  | { ok: true; document: DivisionOfWork; baseVersion: number | null; effectiveFromGiven: boolean }
  | { ok: false; issues: Issue[] };

/**
 * The `effectiveFrom` a new version gets. Routing applies a version from the moment it is
 * published, so a version never backdates: left out, or carried by a document read from the API
 * (one still holding its `version`, or the current version's `effectiveFrom`), it is replaced by
 * now; any other instant earlier than now, or one in the future, is refused. A clock skew of five
 * minutes either way is tolerated.
 */
function effectiveFromOf(
  given: unknown,
  ctx: { now: Date; readBack: boolean; currentEffectiveFrom?: string; allowAnyEffectiveFrom?: boolean },
): { value: unknown; given: boolean; issue?: string } {
  const now = ctx.now.toISOString();
  if (given === undefined) return { value: now, given: false };
  if (typeof given !== 'string' || ctx.allowAnyEffectiveFrom) return { value: given, given: true };
  const at = Date.parse(given);
  if (Number.isNaN(at)) return { value: given, given: true }; // the schema names the problem
  if (at > ctx.now.getTime() + CLOCK_SKEW_MS) {
    return {
      value: given,
      given: true,
      issue:
        'must not be in the future: routing applies a version from the moment it is published (leave it out for now)',
    };
  }
  const carried =
    ctx.readBack || (ctx.currentEffectiveFrom !== undefined && at === Date.parse(ctx.currentEffectiveFrom));
  if (at < ctx.now.getTime() - CLOCK_SKEW_MS) {
    if (carried) return { value: now, given: false };
    return {
      value: given,
      given: true,
      issue:
        'must not be in the past: a new version cannot change how tickets were already routed (leave it out for now)',
    };
  }
  return { value: given, given: true };
}

/**
 * Turns an edited document into the next version: the server assigns `tenantId` (from the path),
 * `version` and, unless given, `effectiveFrom` (now; see {@link effectiveFromOf}). A document that still carries the `tenantId`
 * and `version` it was read with is accepted (GET, edit, PUT round-trips), its `version` then
 * naming the version the edit was based on. Issues name JSON paths inside the document.
 */
export function checkDocument(
  input: unknown,
  ctx: {
    tenantId: string;
    nextVersion: number;
    now: Date;
    /** The current version's `effectiveFrom`: a document read with GET still carries it. */
    currentEffectiveFrom?: string;
    /** A what-if (simulation): `effectiveFrom` is not weighed against now. */
    allowAnyEffectiveFrom?: boolean;
  },
): CheckedDocument {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      issues: [{ path: '', message: 'a division of work is an object (a mapping in YAML)' }],
    };
  }
  const doc = input as Record<string, unknown>;
  const issues: Issue[] = [];
  if (doc.tenantId !== undefined && doc.tenantId !== ctx.tenantId) {
    issues.push({
      path: 'tenantId',
      message: `the tenant is the one in the path ('${ctx.tenantId}'); leave tenantId out`,
    });
  }
  let baseVersion: number | null = null;
  if (doc.version !== undefined) {
    if (typeof doc.version === 'number' && Number.isInteger(doc.version) && doc.version > 0) {
      baseVersion = doc.version;
    } else {
      issues.push({
        path: 'version',
        message: 'the server assigns the version; when given it must be the version you edited',
      });
    }
  }
  const effective = effectiveFromOf(doc.effectiveFrom, { ...ctx, readBack: doc.version !== undefined });
  if (effective.issue) issues.push({ path: 'effectiveFrom', message: effective.issue });
  issues.push(...unknownFields(DivisionOfWorkSchema, doc));
  const parsed = DivisionOfWorkSchema.safeParse({
    ...doc,
    tenantId: ctx.tenantId,
    version: ctx.nextVersion,
    effectiveFrom: effective.value,
  });
  if (!parsed.success) issues.push(...zodIssues(parsed.error));
  issues.push(...publicHolidayIssues(doc));
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return {
    ok: true,
    document: resolveDivisionOfWorkHolidays(parsed.data),
    baseVersion,
    effectiveFromGiven: effective.given,
  };
}
