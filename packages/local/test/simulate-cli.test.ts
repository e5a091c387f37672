import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import {
  type DivisionOfWorkInput,
  DivisionOfWorkSchema,
  parseDivisionOfWork,
} from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { decideRouting } from '@psa/routing/decide';
import { startTestTable, ticketFixture } from '@psa/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { main } from '../src/cli/simulate.ts';
import { writeEndpoints } from '../src/endpoints.ts';

let table: Awaited<ReturnType<typeof startTestTable>>;
let dir: string;
let laptopId: string;

/** A proposal as an editor writes it: the shipped default with a change, without bookkeeping. */
function draft(change: (doc: DivisionOfWorkInput) => void = () => {}): Record<string, unknown> {
  const { tenantId: _t, version: _v, effectiveFrom: _e, ...rest } = defaultDivisionOfWork();
  const doc = { ...rest } as DivisionOfWorkInput;
  change(doc);
  return doc;
}
const workload = (doc: DivisionOfWorkInput, id: string) => doc.workloads.find((w) => w.id === id)!;

/** Every item in the table: a command that must not write leaves this unchanged. */
async function itemCount(): Promise<number> {
  const out = await table.doc.send(new ScanCommand({ TableName: table.tableName, Select: 'COUNT' }));
  return out.Count ?? 0;
}

/**
 * Tickets as the router leaves them: each decided by the routing engine as it arrives, in time
 * order, seeing the internal backlog the open index holds then.
 */
async function routedHistory(arrivals: { at: string; subject: string; body: string }[]) {
  const dow = parseDivisionOfWork(defaultDivisionOfWork());
  const tickets = new DynamoTicketStore(table.doc, table.tableName);
  const out = [];
  for (const a of arrivals) {
    const ticket = ticketFixture({ subject: a.subject, body: a.body, receivedAt: a.at, channel: 'web' });
    const outcome = decideRouting({
      subject: ticket.subject,
      body: ticket.body,
      requesterEmail: ticket.requester.email,
      channel: ticket.channel,
      requestedPriority: null,
      receivedAt: new Date(a.at),
      internalOpenBacklog: await tickets.countOpen('acme', 'internal', dow.overflowLimit + 1),
      dow,
    });
    const { routing, ...decided } = outcome;
    const routed = { ...ticket, ...decided, routing: { ...routing, decidedAt: a.at }, version: 2 };
    await tickets.create(routed, []);
    out.push(routed);
  }
  return out;
}

beforeEach(async () => {
  table = await startTestTable();
  await new DynamoTenantStore(table.doc, table.tableName).putDivisionOfWork(
    DivisionOfWorkSchema.parse(defaultDivisionOfWork()),
  );
  const [, laptop] = await routedHistory([
    { at: '2026-11-02T15:00:00.000Z', subject: 'Locked out of my account', body: 'I forgot my password' },
    { at: '2026-11-03T15:00:00.000Z', subject: 'Laptop screen cracked', body: 'my laptop is broken' },
  ]);
  laptopId = laptop!.id;
  dir = await mkdtemp(join(tmpdir(), 'psa-simulate-'));
  // What `npm start` writes; only the DynamoDB endpoint and the table name are read.
  await writeEndpoints(dir, {
    http: 'http://127.0.0.1:1',
    web: 'http://127.0.0.1:1/',
    issuer: 'http://127.0.0.1:1/oidc',
    smtp: null,
    dynamodb: table.endpoint,
    sqs: 'http://127.0.0.1:1',
    s3: 'http://127.0.0.1:1',
    eventbridge: 'http://127.0.0.1:1',
    queues: { partner: 'x', internal: 'x', triage: 'x' },
    table: table.tableName,
    bucket: 'x',
  });
});
afterEach(async () => {
  await table.stop();
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
    const before = await itemCount();

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
    expect(await itemCount()).toBe(before);
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
