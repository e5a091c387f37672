import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@psa/local/cli/simulate';
import { writeEndpoints } from '@psa/local/endpoints';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { draft, type RouterApi, startRouterApi, workload } from './api-support.ts';

let api: RouterApi;
let dir: string;
let laptopId: string;

beforeEach(async () => {
  api = await startRouterApi();
  const tickets = await api.history([
    {
      name: 'pw',
      at: '2026-11-02T15:00:00.000Z',
      subject: 'Locked out of my account',
      body: 'I forgot my password',
    },
    {
      name: 'laptop',
      at: '2026-11-03T15:00:00.000Z',
      subject: 'Laptop screen cracked',
      body: 'my laptop is broken',
    },
  ]);
  laptopId = tickets.get('laptop')!.id;
  dir = await mkdtemp(join(tmpdir(), 'psa-simulate-'));
  // What `npm start` writes; only the DynamoDB endpoint and the table name are read.
  await writeEndpoints(dir, {
    http: 'http://127.0.0.1:1',
    web: 'http://127.0.0.1:1/',
    issuer: 'http://127.0.0.1:1/oidc',
    smtp: null,
    dynamodb: api.table.endpoint,
    sqs: 'http://127.0.0.1:1',
    s3: 'http://127.0.0.1:1',
    eventbridge: 'http://127.0.0.1:1',
    queues: { partner: 'x', internal: 'x', triage: 'x' },
    table: api.table.tableName,
    bucket: 'x',
  });
});
afterEach(async () => {
  await api.stop();
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    (t) => out.push(t),
    (t) => err.push(t),
  );
  return { code, out, err };
}

describe('psa simulate', () => {
  it('prints one JSON report for a YAML proposal, read from the runtime named in endpoints.json', async () => {
    const file = join(dir, 'proposal.yaml');
    await writeFile(
      file,
      stringifyYaml(
        draft((d) => {
          workload(d, 'hardware').owner = 'partner';
        }),
      ),
    );
    const before = await api.itemCount();

    const { code, out, err } = await run([
      '--tenant',
      'acme',
      '--month',
      '2026-11',
      '--proposal',
      file,
      '--data-dir',
      dir,
    ]);

    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const report = JSON.parse(out[0]!);
    expect(report).toMatchObject({ tenantId: 'acme', month: '2026-11', backlog: { mode: 'actual' } });
    expect(report.changes.count).toBe(1);
    expect(report.changes.items[0]).toMatchObject({
      id: laptopId,
      actual: { owner: 'internal' },
      replayed: { owner: 'partner' },
    });
    expect(report.delta.internalHoursFreed).toBe(0.75);
    expect(await api.itemCount()).toBe(before);
  });

  it('reads a JSON proposal by its extension', async () => {
    const file = join(dir, 'proposal.json');
    await writeFile(file, JSON.stringify(draft()));
    const { code, out } = await run([
      '--tenant',
      'acme',
      '--month',
      '2026-11',
      '--proposal',
      file,
      '--data-dir',
      dir,
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(out[0]!).changes.count).toBe(0);
  });

  it('exits 1 with the issues by path (as JSON on stderr) for an invalid proposal', async () => {
    const file = join(dir, 'proposal.yaml');
    await writeFile(
      file,
      stringifyYaml(
        draft((d) => {
          (d.workloads[6] as { owner: string }).owner = 'msp';
        }),
      ),
    );
    const { code, out, err } = await run([
      '--tenant',
      'acme',
      '--month',
      '2026-11',
      '--proposal',
      file,
      '--data-dir',
      dir,
    ]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(JSON.parse(err[0]!).error.issues.map((i: { path: string }) => i.path)).toEqual([
      'workloads.6.owner',
    ]);
  });

  it('exits 2 with usage for a missing option or a bad month, and 1 when the runtime is not there', async () => {
    expect((await run(['--tenant', 'acme', '--month', '2026-11'])).code).toBe(2);
    expect((await run(['--tenant', 'acme', '--month', 'Nov', '--proposal', 'x.yaml'])).code).toBe(2);
    const file = join(dir, 'proposal.yaml');
    await writeFile(file, stringifyYaml(draft()));
    const missing = await run([
      '--tenant',
      'acme',
      '--month',
      '2026-11',
      '--proposal',
      file,
      '--data-dir',
      join(dir, 'none'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/no endpoints.json/);
  });
});
