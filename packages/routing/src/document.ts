import { type DivisionOfWork, DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { PsaError, ValidationError } from '@psa/model/errors';
import { parse as parseYaml, stringify as stringifyYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';

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

export class PayloadTooLargeError extends PsaError {
  override readonly status = 413;
  override readonly code = 'payload_too_large';
}

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

// biome-ignore lint/suspicious/noExplicitAny: walks zod's own definition objects.
type AnyDef = any;

/**
 * Fields in `value` the schema does not know. The division-of-work schema strips unknown keys, so
 * without this a misspelt `afterHoursOwnr: partner` would vanish and the editor believe it applied.
 * Walks the schema rather than the parse result, so it reports even when other fields are invalid.
 */
export function unknownFields(schema: z.ZodType, value: unknown, path: (string | number)[] = []): Issue[] {
  let def: AnyDef = (schema as AnyDef)._zod.def;
  while (
    ['optional', 'default', 'prefault', 'nullable', 'nonoptional', 'readonly', 'catch'].includes(def.type)
  ) {
    def = def.innerType._zod.def;
  }
  if (def.type === 'pipe') return unknownFields(def.in, value, path);
  const out: Issue[] = [];
  if (def.type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      const field = def.shape[k];
      if (field) out.push(...unknownFields(field, v, [...path, k]));
      else out.push({ path: [...path, k].join('.'), message: 'unknown field' });
    }
  } else if (def.type === 'array' && Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push(...unknownFields(def.element, v, [...path, i]));
    });
  } else if (def.type === 'record' && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) out.push(...unknownFields(def.valueType, v, [...path, k]));
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
 * Turns an edited document into the next version: the server assigns `tenantId` (from the path),
 * `version` and, unless given, `effectiveFrom` (now). A document that still carries the `tenantId`
 * and `version` it was read with is accepted (GET, edit, PUT round-trips), its `version` then
 * naming the version the edit was based on. Issues name JSON paths inside the document.
 */
export function checkDocument(
  input: unknown,
  ctx: { tenantId: string; nextVersion: number; now: Date; allowFutureEffectiveFrom?: boolean },
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
  const effectiveFromGiven = doc.effectiveFrom !== undefined;
  if (
    effectiveFromGiven &&
    !ctx.allowFutureEffectiveFrom &&
    typeof doc.effectiveFrom === 'string' &&
    Date.parse(doc.effectiveFrom) > ctx.now.getTime() + CLOCK_SKEW_MS
  ) {
    issues.push({
      path: 'effectiveFrom',
      message:
        'must not be in the future: routing applies a version from the moment it is published (leave it out for now)',
    });
  }
  issues.push(...unknownFields(DivisionOfWorkSchema, doc));
  const parsed = DivisionOfWorkSchema.safeParse({
    ...doc,
    tenantId: ctx.tenantId,
    version: ctx.nextVersion,
    effectiveFrom: effectiveFromGiven ? doc.effectiveFrom : ctx.now.toISOString(),
  });
  if (!parsed.success) issues.push(...zodIssues(parsed.error));
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, document: parsed.data, baseVersion, effectiveFromGiven };
}
