import { type Api, ApiError } from '../../api.ts';
import type { Session } from '../../auth.ts';
import type { JsonSchema } from './codemirror.ts';

/**
 * Every call the division-of-work page makes, in one place: the router's public routes (the
 * same a script uses). Drafts travel as YAML text, exactly as typed, so a problem's line is the
 * line the person sees; everything else is JSON through the app's `Api`.
 */

/** A problem, named by its path inside the document (`workloads.3.owner`), as the API's 400 does. */
export interface Issue {
  path: string;
  message: string;
}

export interface Validation {
  valid: boolean;
  issues: Issue[];
  wouldBecomeVersion: number | null;
  changes: string[];
}

export interface VersionInfo {
  version: number;
  effectiveFrom: string;
  changedBy: string | null;
  changedAt: string | null;
  summary: string[];
  note?: string;
}

export interface History {
  current: number;
  items: VersionInfo[];
}

/** The division of work as the API answers it; sections this page does not know stay readable as YAML. */
export interface Document {
  tenantId: string;
  name: string;
  version: number;
  effectiveFrom: string;
  timeZone: string;
  supportAddresses: string[];
  internalCalendar: Calendar;
  partnerCoverage: { calendar: Calendar };
  workloads: Workload[];
  vipRequesters: string[];
  overflowLimit: number;
  triageThreshold: number;
  slaTargets: Record<'partner' | 'internal', Record<Priority, SlaTarget>>;
  slaPolicy: {
    warnAt: number[];
    pauseStatuses: string[];
    reopen: string;
    handoffAcceptanceMinutes?: number;
    breachNotify: { partner?: string; internal?: string };
  };
  people: { roles: Record<string, string>; requesterDomains: string[] };
  [section: string]: unknown;
}

export type Priority = 'P1' | 'P2' | 'P3' | 'P4';
export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];

export interface Calendar {
  timeZone: string;
  hours: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;
  holidays?: string[];
  recurringHolidays?: string[];
  publicHolidays?: { country: string; state?: string; region?: string; types?: string[] };
}

export interface Term {
  term: string;
  weight: number;
}

export interface Workload {
  id: string;
  description: string;
  owner: 'partner' | 'internal';
  afterHoursOwner?: 'partner' | 'internal';
  guardrail: boolean;
  overflowEligible: boolean;
  defaultPriority: Priority;
  handleMinutes: number;
  recognise: { keywords: Term[]; phrases: Term[]; senders?: string[]; channels?: string[] };
}

export interface SlaTarget {
  firstResponseMinutes: number;
  resolutionMinutes: number;
  nextUpdateMinutes?: number;
}

type Owner = 'partner' | 'internal' | 'triage';
type OwnerCounts = Partial<Record<Owner, number>>;

export interface RoutingStats {
  tickets: number;
  ticketsByOwner: OwnerCounts;
  partnerShare: number | null;
  afterHours: { tickets: number; byOwner: OwnerCounts; absorbedByPartner: number };
  partnerHandleMinutes: number;
  internalHoursFreed: number;
  workloadHits: Record<string, number>;
}

export interface DecisionChange {
  id: string;
  key: string;
  subject: string;
  receivedAt: string;
  actual: { owner: Owner; rule: string; workload: string | null; divisionOfWorkVersion: number };
  replayed: { owner: Owner; rule: string; workload: string | null; reasons: string[] };
  differs: ('owner' | 'workload' | 'rule')[];
}

export interface SimulationReport {
  month: string;
  timeZone: string;
  proposal: { comparedWithVersion: number };
  actual: RoutingStats & { divisionOfWorkVersions: number[] };
  simulated: RoutingStats;
  changes: { count: number; truncated: boolean; items: DecisionChange[] };
}

/** A call the API refused, with the problems it named (a 400's issues), paths as in the document. */
export class DraftError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly issues: Issue[],
  ) {
    super(message);
  }
}

/** The API names a body's problems `body.workloads.3.owner`; the editor shows the document's path. */
export function documentPath(path: string): string {
  return path.replace(/^body(\.proposal)?(\.|$)/, '');
}

export interface DivisionOfWorkData {
  current(): Promise<Document>;
  /** The current version as YAML: what the editor starts from. */
  currentYaml(): Promise<string>;
  history(): Promise<History>;
  versionYaml(version: number): Promise<string>;
  validate(yaml: string, signal?: AbortSignal): Promise<Validation>;
  simulate(yaml: string, month: string): Promise<SimulationReport>;
  /** Publishes the draft; `base` is the version it was edited from (409 if no longer current). */
  publish(yaml: string, base: number, note: string): Promise<VersionInfo>;
  /** The draft's JSON Schema from the API's own `/openapi.json` (for completion), or null. */
  schema(): Promise<{ root: JsonSchema; components: Record<string, JsonSchema> } | null>;
}

export function divisionOfWorkData(session: Session, api: Api): DivisionOfWorkData {
  const base = `/v1/tenants/${encodeURIComponent(session.tenant)}/division-of-work`;

  async function text(
    method: string,
    path: string,
    opts: { body?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${session.accessToken}`,
        ...(opts.body === undefined ? {} : { 'content-type': 'application/yaml' }),
        ...opts.headers,
      },
      ...(opts.body === undefined ? {} : { body: opts.body }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!res.ok) {
      const data = (await res.json().catch(() => null)) as {
        error?: { code?: string; message?: string; issues?: Issue[] };
      } | null;
      const issues = (data?.error?.issues ?? []).map((i) => ({ ...i, path: documentPath(i.path) }));
      throw new DraftError(data?.error?.message ?? `the server answered ${res.status}`, res.status, issues);
    }
    return res;
  }

  // A simulation's body is YAML too: the draft, indented, becomes its `proposal`.
  const envelope = (yaml: string, month: string) =>
    `month: "${month}"\nproposal:\n${yaml
      .replace(/^---[^\n]*\n/, '')
      .split('\n')
      .map((line) => (line ? `  ${line}` : line))
      .join('\n')}\n`;

  return {
    current: () => api.request<Document>('GET', '/division-of-work'),
    currentYaml: async () => (await text('GET', '', { headers: { accept: 'application/yaml' } })).text(),
    history: () => api.request<History>('GET', '/division-of-work/versions'),
    versionYaml: async (version) =>
      (await text('GET', `/versions/${version}`, { headers: { accept: 'application/yaml' } })).text(),
    validate: async (yaml, signal) =>
      (await text('POST', '/validate', { body: yaml, ...(signal ? { signal } : {}) })).json(),
    simulate: async (yaml, month) =>
      (await text('POST', '/simulate', { body: envelope(yaml, month) })).json(),
    publish: async (yaml, version, note) =>
      (
        await text('PUT', '', {
          body: yaml,
          headers: {
            'if-match': `"${version}"`,
            ...(note.trim() ? { 'change-note': encodeURIComponent(note.trim()) } : {}),
          },
        })
      ).json(),
    schema: async () => {
      const res = await fetch('/openapi.json', { headers: { accept: 'application/json' } });
      if (!res.ok) return null;
      const doc = (await res.json()) as { components?: { schemas?: Record<string, JsonSchema> } };
      const components = doc.components?.schemas ?? {};
      const root = components.DivisionOfWorkDraft;
      return root ? { root, components } : null;
    },
  };
}

/** A failure in words, for a page's alert. */
export function describeError(err: unknown): string {
  if (err instanceof DraftError || err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** True when the session has ended (the app then asks to sign in again). */
export const isExpired = (err: unknown) =>
  (err instanceof DraftError || err instanceof ApiError) && err.status === 401;
