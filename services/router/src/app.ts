import type { Logger } from '@aws-lambda-powertools/logger';
import {
  MAX_CHANGE_NOTE_CHARS,
  MAX_HISTORY_BODY_BYTES,
  MAX_HISTORY_CSV_BYTES,
  routerRoutes as routes,
  SimulateBodySchema,
} from '@psa/contracts/http/router-routes';
import { type Authenticator, assertRole, assertTenant } from '@psa/http/auth';
import { type ApiEnv, createApiApp } from '@psa/http/http';
import { MAX_JSON_DEPTH, tooDeep, valueNesting } from '@psa/http/limits';
import type { Clock } from '@psa/model/clock';
import { NotFoundError, ValidationError } from '@psa/model/errors';
import type { MailStore, ModelStore, TenantStore, TicketStore } from '@psa/model/ports';
import { textProblem } from '@psa/model/text';
import { MAX_DOCUMENT_BYTES, parseDocumentText, toYaml } from '@psa/routing/document';
import { importHistory } from '@psa/routing/learned';
import type { LoadOptions } from '@psa/routing/replay-load';
import type { Context } from 'hono';
import * as z from 'zod';
import {
  acceptsYaml,
  formatOfMediaType,
  getCurrentDocument,
  getDocumentVersion,
  listDocumentVersions,
  publishDocument,
  UnsupportedMediaTypeError,
  validateDocument,
} from './domain/dow-api.ts';
import { simulateProposal } from './domain/simulate.ts';

export interface RouterApiDeps {
  tenants: TenantStore;
  /** The tenant's learned routing model (import of labelled history). */
  models: ModelStore;
  tickets: TicketStore;
  /** Support-address ownership, so a tenant cannot claim another's address. */
  mail: Pick<MailStore, 'tenantForAddress'>;
  clock: Clock;
  logger: Logger;
  authenticate: Authenticator;
  /** How much a simulation may read (defaults: 90 days back, 50,000 tickets). */
  replay?: LoadOptions;
}

/** A request body as JSON or YAML, by its media type. */
async function readDocumentBody(c: Context<ApiEnv>): Promise<unknown> {
  const format = formatOfMediaType(c.req.header('content-type'));
  if (!format) {
    throw new UnsupportedMediaTypeError('send the document as application/json or application/yaml');
  }
  const document = parseDocumentText(await c.req.text(), format, 'body');
  // A JSON body's nesting was checked before it parsed; YAML's only can be once it has.
  if (valueNesting(document, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw tooDeep('body');
  return document;
}

/** `If-Match: "3"` (or `3`, `W/"3"`): the version an edit is based on; `*` means any. */
function ifMatchVersion(header: string | undefined): number | undefined {
  if (!header || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  if (!m) {
    throw new ValidationError('If-Match must name a version, e.g. "3"', [
      { path: 'header.if-match', message: 'expected a version number, e.g. "3"' },
    ]);
  }
  return Number(m[1]);
}

/**
 * `Change-Note`: why, in the publisher's words, kept with the version. A header, so the body stays
 * the document itself; percent-encoded (as `encodeURIComponent` writes it) for anything past ASCII.
 */
export function changeNote(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let note: string;
  try {
    note = decodeURIComponent(header);
  } catch {
    note = header;
  }
  note = note.trim();
  const problem =
    note.length > MAX_CHANGE_NOTE_CHARS ? `at most ${MAX_CHANGE_NOTE_CHARS} characters` : textProblem(note);
  if (problem) {
    throw new ValidationError(`Change-Note ${problem}`, [{ path: 'header.change-note', message: problem }]);
  }
  return note || undefined;
}

/** The simulate body's own fields; the proposal is checked as a document, with its paths. */
const SimulateEnvelope = SimulateBodySchema.extend({ proposal: z.unknown() });

function envelopeIssues(error: z.ZodError) {
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ path: ['body', ...i.path.map(String), k].join('.'), message: 'unknown field' }))
      : [{ path: ['body', ...i.path.map(String)].join('.'), message: i.message }],
  );
}

/** The division-of-work routes read their bodies themselves (JSON or YAML, unknown fields refused). */
const withoutBodyValidation = <R extends { request: { body?: unknown } }>(route: R) => {
  const { body: _documentedOnly, ...request } = route.request;
  return { ...route, request };
};

/** The router's HTTP API: the division of work, what-if simulation and the history model. */
export function createRouterApp(deps: RouterApiDeps) {
  const app = createApiApp({
    authenticate: deps.authenticate,
    logger: deps.logger,
    // Checked before any route reads the body: past these, AWS could not have invoked us.
    bodyLimit: (path) =>
      path.endsWith('/division-of-work/history')
        ? {
            maxBytes: MAX_HISTORY_BODY_BYTES,
            message: `a history import may be at most ${MAX_HISTORY_BODY_BYTES} bytes (5 MiB), its csv at most ${MAX_HISTORY_CSV_BYTES} bytes (4 MiB): import a larger history with psa import-history`,
          }
        : { maxBytes: MAX_DOCUMENT_BYTES, message: `a document may be at most ${MAX_DOCUMENT_BYTES} bytes` },
  });

  app.openapi(routes.importHistory, async (c) => {
    const { tenantId } = c.req.valid('param');
    const principal = c.get('principal');
    assertTenant(principal, tenantId);
    assertRole(principal, ['internal'], 'train routing on ticket history');
    const body = c.req.valid('json');
    const dow = await deps.tenants.getDivisionOfWork(tenantId);
    if (!dow) throw new NotFoundError(`tenant ${tenantId} not found`);
    const meta = await importHistory(
      {
        tenantId,
        csv: body.csv,
        ...(body.labelMap ? { labelMap: body.labelMap } : {}),
        now: deps.clock.now(),
      },
      { models: deps.models, dow },
    );
    return c.json(meta, 201);
  });

  app.openapi(routes.getLearnedModel, async (c) => {
    const { tenantId } = c.req.valid('param');
    const principal = c.get('principal');
    assertTenant(principal, tenantId);
    assertRole(principal, ['internal', 'leadership'], 'read the routing model');
    const meta = await deps.models.current(tenantId);
    if (!meta) throw new NotFoundError('no model learned from history yet: POST division-of-work/history');
    return c.json(meta, 200);
  });

  app.openapi(routes.getDivisionOfWork, async (c) => {
    const { tenantId } = c.req.valid('param');
    const doc = await getCurrentDocument({ tenantId, principal: c.get('principal') }, deps);
    c.header('etag', `"${doc.version}"`);
    if (acceptsYaml(c.req.header('accept'))) {
      return c.body(toYaml(doc), 200, { 'content-type': 'application/yaml; charset=utf-8' }) as never;
    }
    return c.json(doc, 200);
  });

  app.openapi(withoutBodyValidation(routes.putDivisionOfWork), async (c) => {
    const { tenantId } = c.req.valid('param');
    const headers = c.req.valid('header');
    const ifMatch = ifMatchVersion(headers['if-match']);
    const note = changeNote(headers['change-note']);
    const { created, version } = await publishDocument(
      {
        tenantId,
        principal: c.get('principal'),
        input: await readDocumentBody(c),
        ...(ifMatch !== undefined ? { ifMatch } : {}),
        ...(note ? { note } : {}),
      },
      deps,
    );
    c.header('etag', `"${version.version}"`);
    return c.json(version, created ? 201 : 200);
  });

  app.openapi(routes.listDivisionOfWorkVersions, async (c) => {
    const { tenantId } = c.req.valid('param');
    return c.json(await listDocumentVersions({ tenantId, principal: c.get('principal') }, deps), 200);
  });

  app.openapi(routes.getDivisionOfWorkVersion, async (c) => {
    const { tenantId, version } = c.req.valid('param');
    const found = await getDocumentVersion({ tenantId, version, principal: c.get('principal') }, deps);
    if (acceptsYaml(c.req.header('accept'))) {
      // The document alone, as GET division-of-work answers it: what an editor diffs and loads.
      return c.body(toYaml(found.document), 200, {
        'content-type': 'application/yaml; charset=utf-8',
      }) as never;
    }
    return c.json(found, 200);
  });

  app.openapi(withoutBodyValidation(routes.validateDivisionOfWork), async (c) => {
    const { tenantId } = c.req.valid('param');
    const input = await readDocumentBody(c);
    return c.json(await validateDocument({ tenantId, principal: c.get('principal'), input }, deps), 200);
  });

  app.openapi(withoutBodyValidation(routes.simulateDivisionOfWork), async (c) => {
    const { tenantId } = c.req.valid('param');
    const parsed = SimulateEnvelope.safeParse(await readDocumentBody(c));
    if (!parsed.success) {
      const issues = envelopeIssues(parsed.error);
      throw new ValidationError(
        `invalid request: ${issues.map((i) => `${i.path} (${i.message})`).join('; ')}`,
        issues,
      );
    }
    const body = parsed.data;
    const report = await simulateProposal(
      {
        tenantId,
        principal: c.get('principal'),
        month: body.month,
        proposal: body.proposal,
        backlog: body.backlog,
        ...(body.maxChanges !== undefined ? { maxChanges: body.maxChanges } : {}),
        issuePath: 'body.proposal',
      },
      deps,
      { monthPath: 'body.month', ...deps.replay },
    );
    return c.json(report, 200);
  });

  return app;
}
