import { assertRole, assertTenant, type Principal, type Role } from '@psa/http/auth';
import type { Clock } from '@psa/model/clock';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { ConflictError, NotFoundError, PsaError, ValidationError } from '@psa/model/errors';
import type { DivisionOfWorkVersionInfo, MailStore, TenantStore } from '@psa/model/ports';
import { checkDocument, type DocumentFormat, type Issue, prefixIssues } from '@psa/routing/document';
import { describeChanges } from '@psa/routing/dow-changes';

/**
 * The division of work as an API: read the current version and its history, validate an edited
 * document, publish it as the next version. Routing reads the current version at decision time
 * and records its number, so a published version applies from the next ticket on.
 */

/** Who may read the agreement: both sides of it, and leadership. */
export const DOCUMENT_READERS: readonly Role[] = ['internal', 'partner', 'leadership'];
/** Only internal IT edits it (DESIGN.md "Users"). */
export const DOCUMENT_EDITORS: readonly Role[] = ['internal'];
/** Validation has no side effects: every staff role may check a draft. */
export const DOCUMENT_VALIDATORS: readonly Role[] = ['internal', 'partner', 'leadership'];

export class UnsupportedMediaTypeError extends PsaError {
  override readonly status = 415;
  override readonly code = 'unsupported_media_type';
}

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
    currentEffectiveFrom: current.effectiveFrom,
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
 * `note` (why, in the publisher's words) is kept with the version's history entry.
 */
export async function publishDocument(
  cmd: { tenantId: string; principal: Principal; input: unknown; ifMatch?: number; note?: string },
  deps: DocumentDeps,
): Promise<{ created: boolean; version: PublishedVersion }> {
  authorise(cmd.principal, cmd.tenantId, DOCUMENT_EDITORS, 'change the division of work');
  const current = await currentOf(deps.tenants, cmd.tenantId);
  const now = deps.clock.now();
  const checked = checkDocument(cmd.input, {
    tenantId: cmd.tenantId,
    nextVersion: current.version + 1,
    now,
    currentEffectiveFrom: current.effectiveFrom,
  });
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
    ...(cmd.note ? { note: cmd.note } : {}),
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
