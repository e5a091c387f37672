import { assertRole, assertTenant, type Principal, type Role } from '@psa/http/auth';
import type { Clock } from '@psa/model/clock';
import { type DivisionOfWork, DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { ConflictError, NotFoundError, PsaError, ValidationError } from '@psa/model/errors';
import type { DivisionOfWorkVersionInfo, MailStore, TenantStore } from '@psa/model/ports';
import { parse as parseYaml, stringify as stringifyYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { describeChanges } from './dow-changes.ts';

/**
 * The division of work as an API: read the current version and its history, validate an edited
 * document, publish it as the next version. Routing reads the current version at decision time
 * and records its number, so a published version applies from the next ticket on.
 */

export type Issue = { path: string; message: string };

/** Who may read the agreement: both sides of it, and leadership. */
export const DOCUMENT_READERS: readonly Role[] = ['internal', 'partner', 'leadership'];
/** Only internal IT edits it (DESIGN.md "Users"). */
export const DOCUMENT_EDITORS: readonly Role[] = ['internal'];
/** Validation has no side effects: every staff role may check a draft. */
export const DOCUMENT_VALIDATORS: readonly Role[] = ['internal', 'partner', 'leadership'];

/** Largest document body accepted (the shipped default is about 30 KB of JSON). */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

/** A clock may run this far ahead of the editor's without `effectiveFrom` counting as future. */
const CLOCK_SKEW_MS = 5 * 60_000;

export class UnsupportedMediaTypeError extends PsaError {
  override readonly status = 415;
  override readonly code = 'unsupported_media_type';
}

export class PayloadTooLargeError extends PsaError {
  override readonly status = 413;
  override readonly code = 'payload_too_large';
}

export type DocumentFormat = 'json' | 'yaml';

/** The format of a request body by its media type; null for one this API does not read. */
export function formatOfMediaType(contentType: string | undefined): DocumentFormat | null {
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (essence === 'application/json' || /^application\/[a-z0-9.-]+\+json$/.test(essence)) return 'json';
  if (/^(application|text)\/(x-)?yaml$/.test(essence)) return 'yaml';
  return null;
}

/** True when an Accept header asks for YAML rather than JSON. */
export function acceptsYaml(accept: string | undefined): boolean {
  return /\b(application|text)\/(x-)?yaml\b/i.test(accept ?? '') && !/application\/json/i.test(accept ?? '');
}

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

export interface DocumentDeps {
  tenants: TenantStore;
  /** Who a support address belongs to: a tenant may not claim another's. */
  mail: Pick<MailStore, 'tenantForAddress'>;
  clock: Clock;
}

async function currentOf(tenants: TenantStore, tenantId: string): Promise<DivisionOfWork> {
  const current = await tenants.getDivisionOfWork(tenantId);
  if (!current) throw new NotFoundError(`tenant ${tenantId} not found`);
  return current;
}

function authorise(principal: Principal, tenantId: string, roles: readonly Role[], action: string): void {
  assertTenant(principal, tenantId);
  assertRole(principal, roles, action);
}

/** The current division of work. */
export async function getCurrentDocument(
  cmd: { tenantId: string; principal: Principal },
  deps: Pick<DocumentDeps, 'tenants'>,
): Promise<DivisionOfWork> {
  authorise(cmd.principal, cmd.tenantId, DOCUMENT_READERS, 'read the division of work');
  return currentOf(deps.tenants, cmd.tenantId);
}

/** Every version, newest first: number, effectiveFrom, who published it, when, what changed. */
export async function listDocumentVersions(
  cmd: { tenantId: string; principal: Principal },
  deps: Pick<DocumentDeps, 'tenants'>,
): Promise<{ tenantId: string; current: number; items: DivisionOfWorkVersionInfo[] }> {
  authorise(cmd.principal, cmd.tenantId, DOCUMENT_READERS, 'read the division of work');
  const current = await currentOf(deps.tenants, cmd.tenantId);
  return {
    tenantId: cmd.tenantId,
    current: current.version,
    items: await deps.tenants.listVersions(cmd.tenantId),
  };
}

/** One version, as published, with its history entry. */
export async function getDocumentVersion(
  cmd: { tenantId: string; principal: Principal; version: number },
  deps: Pick<DocumentDeps, 'tenants'>,
): Promise<DivisionOfWorkVersionInfo & { document: DivisionOfWork }> {
  authorise(cmd.principal, cmd.tenantId, DOCUMENT_READERS, 'read the division of work');
  const found = await deps.tenants.getVersion(cmd.tenantId, cmd.version);
  if (!found) throw new NotFoundError(`division of work v${cmd.version} not found`);
  return { ...found.info, document: found.document };
}

async function addressIssues(document: DivisionOfWork, deps: Pick<DocumentDeps, 'mail'>): Promise<Issue[]> {
  const issues: Issue[] = [];
  for (const [i, address] of document.supportAddresses.entries()) {
    const owner = await deps.mail.tenantForAddress(address);
    if (owner && owner !== document.tenantId) {
      issues.push({ path: `supportAddresses.${i}`, message: `${address} is registered to another tenant` });
    }
  }
  return issues;
}

export interface ValidationOutcome {
  valid: boolean;
  /** Problems, named by their JSON path inside the document (`workloads.3.owner`). */
  issues: Issue[];
  /** When valid: the version it would become and what it would change. */
  wouldBecomeVersion: number | null;
  changes: string[];
}

/** Validate a draft without side effects: what PUT would say, and what it would change. */
export async function validateDocument(
  cmd: { tenantId: string; principal: Principal; input: unknown },
  deps: DocumentDeps,
): Promise<ValidationOutcome> {
  authorise(cmd.principal, cmd.tenantId, DOCUMENT_VALIDATORS, 'validate a division of work');
  const current = await currentOf(deps.tenants, cmd.tenantId);
  const checked = checkDocument(cmd.input, {
    tenantId: cmd.tenantId,
    nextVersion: current.version + 1,
    now: deps.clock.now(),
  });
  const issues = checked.ok ? await addressIssues(checked.document, deps) : checked.issues;
  if (!checked.ok || issues.length > 0)
    return { valid: false, issues, wouldBecomeVersion: null, changes: [] };
  const changes = describeChanges(current, checked.document);
  return {
    valid: true,
    issues: [],
    wouldBecomeVersion: changes.length ? current.version + 1 : current.version,
    changes,
  };
}

export interface PublishedVersion extends DivisionOfWorkVersionInfo {
  document: DivisionOfWork;
}

/**
 * Publish an edited document as the next version (internal IT only). Idempotent: a document that
 * changes nothing publishes nothing and answers the current version (`created: false`), so a
 * retried PUT never makes two versions. `ifMatch` (or the `version` the document was read with)
 * guards against overwriting someone else's edit: 409 when it is not the current version.
 */
export async function publishDocument(
  cmd: { tenantId: string; principal: Principal; input: unknown; ifMatch?: number },
  deps: DocumentDeps,
): Promise<{ created: boolean; version: PublishedVersion }> {
  authorise(cmd.principal, cmd.tenantId, DOCUMENT_EDITORS, 'change the division of work');
  const current = await currentOf(deps.tenants, cmd.tenantId);
  const now = deps.clock.now();
  const checked = checkDocument(cmd.input, { tenantId: cmd.tenantId, nextVersion: current.version + 1, now });
  if (!checked.ok) throw invalid(checked.issues);
  const base = cmd.ifMatch ?? checked.baseVersion;
  if (base !== null && base !== undefined && base !== current.version) {
    throw new ConflictError(
      `this edit is based on v${base}, but the current version is v${current.version}: re-read it and apply your change again`,
    );
  }
  const issues = await addressIssues(checked.document, deps);
  if (issues.length > 0) throw invalid(issues);

  const summary = describeChanges(current, checked.document);
  if (summary.length === 0) {
    const found = await deps.tenants.getVersion(cmd.tenantId, current.version);
    return {
      created: false,
      version: {
        ...(found?.info ?? {
          version: current.version,
          effectiveFrom: current.effectiveFrom,
          changedBy: null,
          changedAt: null,
          summary: [],
        }),
        document: current,
      },
    };
  }
  const change = {
    changedBy: cmd.principal.email ?? cmd.principal.sub,
    changedAt: now.toISOString(),
    summary,
  };
  // Conditional on the version: a concurrent publisher of the same number gets 409, never a merge.
  await deps.tenants.putDivisionOfWork(checked.document, change);
  return {
    created: true,
    version: {
      version: checked.document.version,
      effectiveFrom: checked.document.effectiveFrom,
      ...change,
      document: checked.document,
    },
  };
}

function invalid(issues: Issue[]): ValidationError {
  const shown = prefixIssues('body', issues);
  return new ValidationError(
    `invalid division of work: ${shown
      .slice(0, 5)
      .map((i) => `${i.path} (${i.message})`)
      .join('; ')}${shown.length > 5 ? ` and ${shown.length - 5} more` : ''}`,
    shown,
  );
}
