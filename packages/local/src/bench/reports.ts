import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createDocumentClient } from '@psa/aws/dynamo-client';
import { DynamoReportStore } from '@psa/aws/dynamo-report-store';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { signToken } from '@psa/http/auth';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { previousMonth } from '@psa/model/month';
import type { TicketFact } from '@psa/model/report-facts';
import { buildWeb, webBuildIsStale } from '@psa/web/build';
import { providerSigningKey } from '../oidc/keys.ts';
import { API_AUDIENCE } from '../oidc/provider.ts';
import type { LocalStack } from '../stack.ts';
import { percentile, report } from './stats.ts';
import { portalFirstLoadJs } from './web.ts';

const WEB_DIST = resolve(import.meta.dirname, '../../../../web/dist');

/** The page-weight budget for the dashboard: compressed JavaScript of its first load. */
export const DASHBOARD_JS_BUDGET_BYTES = 250 * 1024;

/**
 * The JavaScript a first visit to the dashboard downloads: the app's entry (as for the portal)
 * plus the dashboard's lazily loaded chunk and the chunks it imports, gzip level 9.
 */
export async function dashboardFirstLoadJs(
  dist = WEB_DIST,
): Promise<{ files: number; raw: number; gzip: number }> {
  const entry = await portalFirstLoadJs(dist);
  const assets = join(dist, 'assets');
  const names = await readdir(assets);
  const seen = new Set<string>();
  const queue = names.filter((n) => /^dashboard-.*\.js$/.test(n));
  let raw = 0;
  let gzip = 0;
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const body = await readFile(join(assets, name));
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
    // Static imports of the chunk (not the entry, counted already).
    for (const m of body.toString('utf8').matchAll(/from\s*"\.\/([^"]+\.js)"/g)) {
      if (!m[1]!.startsWith('index-')) queue.push(m[1]!);
    }
  }
  return { files: entry.files + seen.size, raw: entry.raw + raw, gzip: entry.gzip + gzip };
}

/** A deterministic generator (mulberry32), so every run loads the same months. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORKLOADS = [
  'password-reset',
  'connectivity',
  'endpoint-security',
  'm365-admin',
  'monitoring-alert',
  'hardware',
  'general-request',
  'purchasing-budget',
];
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

/** `count` projection records of one month, as the projection would write them. */
function monthOfFacts(tenantId: string, month: string, count: number, seed: number): TicketFact[] {
  const rnd = prng(seed);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const outcome = () => (rnd() < 0.93 ? { met: true, breached: false } : { met: false, breached: true });
  return Array.from({ length: count }, (_, i) => {
    const owner = rnd() < 0.72 ? 'partner' : rnd() < 0.9 ? 'internal' : 'triage';
    const day = 1 + Math.floor(rnd() * 28);
    const receivedAt = `${month}-${String(day).padStart(2, '0')}T${String(Math.floor(rnd() * 24)).padStart(2, '0')}:00:00.000Z`;
    const resolved = rnd() < 0.9;
    return {
      tenantId,
      ticketId: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      key: `SCALE-${i + 1}`,
      month,
      owner,
      workload: WORKLOADS[Math.floor(rnd() * WORKLOADS.length)]!,
      priority: PRIORITIES[Math.floor(rnd() * 4)]!,
      afterHours: rnd() < 0.3,
      rule: 'workload-owner',
      handleMinutes: 15 + Math.floor(rnd() * 4) * 15,
      status: resolved ? 'resolved' : 'in_progress',
      receivedAt,
      firstRespondedAt: receivedAt,
      resolvedAt: resolved ? receivedAt : null,
      sla: { firstResponse: outcome(), resolution: resolved ? outcome() : null, nextUpdate: null },
      handoffs: { toInternal: rnd() < 0.05 ? 1 : 0, toPartner: rnd() < 0.03 ? 1 : 0, acceptance: [] },
      satisfaction:
        resolved && rnd() < 0.2
          ? { rating: rnd() < 0.8 ? 'good' : rnd() < 0.5 ? 'okay' : 'bad', owner }
          : null,
      alert:
        rnd() < 0.1 ? { occurrences: 1 + Math.floor(rnd() * 5), closedWithoutAction: rnd() < 0.3 } : null,
      afterHoursHandoffsToInternal: 0,
      factVersion: 1,
    } satisfies TicketFact;
  });
}

/** Writes facts through the reporting store (what the projection does per ticket event), many at once. */
async function project(store: DynamoReportStore, facts: TicketFact[], concurrency = 16): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < facts.length) await store.putFact(facts[next++]!);
    }),
  );
}

/**
 * Reports at scale on the local stack: a tenant whose month holds `large` tickets beside 11 months
 * of `history` tickets each, and one with `small` tickets a month, loaded by a generator straight
 * into the reporting store (`loadNewFacts`, the projection's records; going through intake and
 * routing would take hours at this size), and each month counted once (timed: the first read of
 * a month after a bulk load). Then times the dashboard's API calls over HTTP: the month's view
 * (relief, tables, backlog, in parallel as the page makes them) and the 12-month trends, and the
 * month's view again after 50 of its tickets changed through `putFact` (their changes added to
 * their slices; the month's total summed again from its 256 slice items).
 */
export async function benchReports(
  { stack, dataDir }: { stack: LocalStack; dataDir: string },
  opts: { large?: number; small?: number; history?: number } = {},
): Promise<void> {
  if (webBuildIsStale()) buildWeb();
  const js = await dashboardFirstLoadJs();
  report('dashboard first load JS', {
    files: js.files,
    rawKB: js.raw / 1024,
    gzipKB: js.gzip / 1024,
    budgetKB: DASHBOARD_JS_BUDGET_BYTES / 1024,
    withinBudget: js.gzip <= DASHBOARD_JS_BUDGET_BYTES ? 'yes' : 'NO',
  });

  const large = opts.large ?? 100_000;
  const small = opts.small ?? 1_000;
  const history = opts.history ?? 10_000;
  const doc = createDocumentClient({
    endpoint: stack.endpoints.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const store = new DynamoReportStore(doc, stack.endpoints.table);
  const tenants = new DynamoTenantStore(doc, stack.endpoints.table);
  const month = '2026-11';
  const key = await providerSigningKey(dataDir);
  const results: Record<string, { view: number; trends: number }> = {};
  for (const [tenantId, perMonth, before] of [
    ['scale-small', small, small],
    ['scale-large', large, history],
  ] as const) {
    await tenants.putDivisionOfWork(
      DivisionOfWorkSchema.parse({
        ...defaultDivisionOfWork(),
        tenantId,
        name: tenantId,
        supportAddresses: [`support@${tenantId}.example`],
      }),
    );
    let m = month;
    let loaded = 0;
    let loadMs = 0;
    const recountMs: number[] = [];
    for (let i = 0; i < 12; i++) {
      const facts = monthOfFacts(tenantId, m, i === 0 ? perMonth : before, i + 1);
      const t0 = performance.now();
      await store.loadNewFacts(facts);
      loadMs += performance.now() - t0;
      loaded += facts.length;
      // The first read after a bulk load counts every slice; timed here, apart from the API's reads.
      const t1 = performance.now();
      await store.monthCounters(tenantId, m);
      recountMs.push(performance.now() - t1);
      m = previousMonth(m);
    }
    report(`reports: ${tenantId} loaded`, {
      tickets: loaded,
      inMonth: perMonth,
      factsPerSec: Math.round(loaded / (loadMs / 1000)),
      fullRecountOfMonthMs: Math.round(recountMs[0]!),
    });

    const token = await signToken(
      key,
      { tenant: tenantId, role: 'leadership', email: 'coo@acme.example' },
      { issuer: stack.endpoints.issuer, audience: API_AUDIENCE },
    );
    const get = async (path: string) => {
      const res = await fetch(`${stack.endpoints.http}/v1/tenants/${tenantId}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const timed = async (paths: string[]) => {
      const t0 = performance.now();
      await Promise.all(paths.map(get));
      return performance.now() - t0;
    };
    const view = [`/reports/relief?month=${month}`, `/reports/tables?month=${month}`, '/reports/backlog'];
    const trends = [`/reports/trends?month=${month}`];
    const warmView: number[] = [];
    const warmTrends: number[] = [];
    for (let i = 0; i < 5; i++) {
      warmView.push(await timed(view));
      warmTrends.push(await timed(trends));
    }
    // 50 tickets of the month change (resolved, rated): the next read sums the slices again.
    const changed = monthOfFacts(tenantId, month, perMonth, 1)
      .slice(0, 50)
      .map((f) => ({
        ...f,
        factVersion: 2,
        resolvedAt: f.receivedAt,
        satisfaction: { rating: 'good' as const, owner: f.owner },
      }));
    await project(store, changed);
    const afterChange = await timed(view);
    warmView.sort((a, b) => a - b);
    warmTrends.sort((a, b) => a - b);
    results[tenantId] = { view: percentile(warmView, 50), trends: percentile(warmTrends, 50) };
    report(`reports: ${tenantId}, ${perMonth.toLocaleString('en-US')} tickets in the month`, {
      monthViewP50ms: percentile(warmView, 50),
      trends12P50ms: percentile(warmTrends, 50),
      monthViewAfter50ChangesMs: Math.round(afterChange),
    });
  }
  const ratio = (k: 'view' | 'trends') =>
    Math.round((results['scale-large']![k] / Math.max(1, results['scale-small']![k])) * 100) / 100;
  report(`reports: ${large.toLocaleString('en-US')} vs ${small.toLocaleString('en-US')} tickets a month`, {
    monthViewRatio: ratio('view'),
    trends12Ratio: ratio('trends'),
  });
  doc.destroy();
}

/** `node packages/local/src/bench/reports.ts [--large N] [--small N] [--history N]`: this section alone. */
if (import.meta.main) {
  const { startBenchStack } = await import('./local.ts');
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const local = await startBenchStack();
  try {
    await benchReports(local, {
      ...(arg('large') ? { large: arg('large')! } : {}),
      ...(arg('small') ? { small: arg('small')! } : {}),
      ...(arg('history') ? { history: arg('history')! } : {}),
    });
  } finally {
    await local.stop();
  }
  process.exit(0);
}
