import { readFileSync } from 'node:fs';
import { DynamoModelStore } from '@psa/aws/dynamo-model-store';
import { MAX_HISTORY_BODY_BYTES, MAX_HISTORY_CSV_BYTES } from '@psa/contracts/http/router-routes';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { importHistory } from '@psa/routing/learned';
import { startTestTable } from '@psa/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LearnedRecogniser } from '../src/domain/learned-recogniser.ts';
import { startRouterApi, token } from './api-support.ts';

const dow = DivisionOfWorkSchema.parse(defaultDivisionOfWork());
const CORPUS = readFileSync(
  new URL('../../../test/corpus/tickets/topics-train.csv', import.meta.url),
  'utf8',
);
/** The public dataset's categories in this division of work's terms. */
const MAP = {
  Hardware: 'hardware',
  Access: 'm365-admin',
  'Administrative rights': 'security-exception',
  Purchase: 'purchasing-budget',
  'Internal Project': 'strategic-project',
  Storage: 'm365-admin',
  'HR Support': 'general-request',
  Miscellaneous: null,
};

describe('importing history', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  beforeAll(async () => {
    table = await startTestTable();
  });
  afterAll(() => table.stop());

  it('trains on the tenant’s labelled tickets, reports cross-validated quality, and routing uses the stored model', async () => {
    const models = new DynamoModelStore(table.doc, table.tableName);
    const meta = await importHistory(
      { tenantId: 'acme', csv: CORPUS, labelMap: MAP, now: new Date('2026-11-01T00:00:00Z') },
      { models, dow },
    );
    expect(meta).toMatchObject({ tenantId: 'acme', version: 1, examples: 2633, labelMap: MAP });
    expect(meta.metrics.accuracy).toBeGreaterThan(0.8);
    const smaller = CORPUS.split('\n').slice(0, 400).join('\n');
    const second = await importHistory(
      { tenantId: 'acme', csv: smaller, labelMap: MAP, now: new Date() },
      { models, dow },
    );
    expect(second.version).toBe(2);
    const recogniser = new LearnedRecogniser(models);
    const p = await recogniser.predict(
      'acme',
      'laptop',
      'laptop screen broken need replacement monitor dock',
    );
    expect(p).toMatchObject({ label: 'Hardware', workload: 'hardware', modelVersion: 2 });
    expect(await recogniser.predict('globex', 'laptop', 'broken')).toBeNull();
  }, 60_000);

  it('refuses a history too small to learn from, naming the problem', async () => {
    const models = new DynamoModelStore(table.doc, table.tableName);
    await expect(
      importHistory({ tenantId: 'acme', csv: 'text,label\na,b\n', now: new Date() }, { models, dow }),
    ).rejects.toThrow(/at least 20 tickets/);
  });
});

describe('the history import API', () => {
  it('lets internal IT train routing on history and read the model; others may not', async () => {
    const api = await startRouterApi();
    try {
      const csv = CORPUS.split('\n').slice(0, 300).join('\n');
      const internal = await token({ tenant: 'acme', role: 'internal', email: 'it@acme.example' });
      const partner = await token({ tenant: 'acme', role: 'partner', email: 'msp@msp.example' });
      expect(
        (await api.call('GET', '/v1/tenants/acme/division-of-work/model', { token: internal })).status,
      ).toBe(404);
      const bad = await api.call('POST', '/v1/tenants/acme/division-of-work/history', {
        token: internal,
        json: { csv, labelMap: { Hardware: 'toasters' } },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.issues[0].path).toBe('labelMap.Hardware');
      expect(
        (
          await api.call('POST', '/v1/tenants/acme/division-of-work/history', {
            token: partner,
            json: { csv },
          })
        ).status,
      ).toBe(403);
      const made = await api.call('POST', '/v1/tenants/acme/division-of-work/history', {
        token: internal,
        json: { csv, labelMap: MAP },
      });
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ version: 1, labelMap: MAP });
      const read = await api.call('GET', '/v1/tenants/acme/division-of-work/model', { token: internal });
      expect(read.body.version).toBe(1);
    } finally {
      await api.stop();
    }
  }, 60_000);
});

describe('the history import API’s size limits (a Lambda request carries at most 6 MB)', () => {
  let api: Awaited<ReturnType<typeof startRouterApi>>;
  let internal: string;
  beforeAll(async () => {
    api = await startRouterApi();
    internal = await token({ tenant: 'acme', role: 'internal', email: 'it@acme.example' });
  });
  afterAll(() => api.stop());

  const post = (csv: string) =>
    api.call('POST', '/v1/tenants/acme/division-of-work/history', { token: internal, json: { csv } });

  it('answers 400 naming body.csv and its 4 MiB limit for a CSV one byte over it', async () => {
    const res = await post('x'.repeat(MAX_HISTORY_CSV_BYTES + 1));
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([
      { path: 'body.csv', message: expect.stringContaining(`at most ${MAX_HISTORY_CSV_BYTES} bytes`) },
    ]);
    expect(res.body.error.message).toContain('psa import-history');
  });

  it('counts bytes, not characters: 1.5 million euro signs are 4.5 MB of UTF-8', async () => {
    const csv = '€'.repeat(1_500_000);
    expect(csv.length).toBeLessThan(MAX_HISTORY_CSV_BYTES);
    const res = await post(csv);
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('body.csv');
  });

  it('answers 413 naming the limits for a body over 5 MiB, before reading it as JSON', async () => {
    const res = await post('x'.repeat(MAX_HISTORY_BODY_BYTES));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringMatching(
        new RegExp(`at most ${MAX_HISTORY_BODY_BYTES} bytes .*csv at most ${MAX_HISTORY_CSV_BYTES} bytes`),
      ),
    });
  });

  it('still reads a body just under the limits (and then judges the history itself)', async () => {
    const res = await post(`text,label\n${'x'.repeat(MAX_HISTORY_CSV_BYTES - 20)},a\n`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/at least 20 tickets/);
  });
});
