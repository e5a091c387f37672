import { readFileSync } from 'node:fs';
import { DynamoModelStore } from '@psa/aws/dynamo-model-store';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { ValidationError } from '@psa/model/errors';
import { startTestTable } from '@psa/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideRouting, type RouteInput } from '../src/domain/decide.ts';
import {
  importHistory,
  type LearnedPrediction,
  LearnedRecogniser,
  resolveLabelMap,
} from '../src/domain/learned.ts';
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

const base: RouteInput = {
  subject: 'Question',
  body: 'hello, please see below',
  requesterEmail: 'pat@acme.example',
  channel: 'web',
  requestedPriority: null,
  receivedAt: new Date('2026-11-03T15:00:00Z'), // Tuesday 10:00 in New York
  internalOpenBacklog: 0,
  dow,
};
const learned = (workload: string | null, confidence: number, label = 'L'): LearnedPrediction => ({
  workload,
  label,
  confidence,
  runnerUp: null,
  modelVersion: 3,
});

describe('mapping history labels to workloads', () => {
  it('takes the explicit map, then workload ids, and leaves other labels unrouted', () => {
    expect(resolveLabelMap(['Hardware', 'password-reset', 'Odd'], dow, { Hardware: 'hardware' })).toEqual({
      Hardware: 'hardware',
      'password-reset': 'password-reset',
      Odd: null,
    });
  });

  it('refuses a map to a workload the division of work does not have, naming the label', () => {
    expect(() => resolveLabelMap(['Hardware'], dow, { Hardware: 'toasters' })).toThrow(ValidationError);
    try {
      resolveLabelMap(['Hardware'], dow, { Hardware: 'toasters' });
    } catch (err) {
      expect((err as ValidationError).issues[0]?.path).toBe('labelMap.Hardware');
    }
  });
});

describe('routing with the model learned from history beside the rules', () => {
  it('routes a ticket the rules cannot place by the history model, and says so', () => {
    const out = decideRouting({ ...base, learned: learned('hardware', 0.9, 'Hardware') });
    expect([out.owner, out.workload, out.routing.rule, out.routing.flags.triage]).toEqual([
      'internal',
      'hardware',
      'workload-owner',
      false,
    ]);
    expect(out.routing.reasons.join(' ')).toContain(
      "learned from ticket history: label 'Hardware' maps to 'hardware'",
    );
    expect(out.routing.confidence).toBe(0.9);
  });

  it('still triages when neither the rules nor the model are confident', () => {
    const out = decideRouting({ ...base, learned: learned('hardware', 0.3) });
    expect(out.owner).toBe('triage');
  });

  it('raises the confidence when the model agrees with the rules', () => {
    const ticket = { ...base, subject: 'Locked out', body: 'I forgot my password and I am locked out' };
    const alone = decideRouting(ticket);
    const agreed = decideRouting({ ...ticket, learned: learned('password-reset', 0.8) });
    expect(agreed.workload).toBe('password-reset');
    expect(agreed.routing.confidence).toBeGreaterThan(alone.routing.confidence);
    expect(agreed.routing.confidence).toBeCloseTo(1 - (1 - alone.routing.confidence) * 0.2, 6);
  });

  it('lets the division of work’s rules win a disagreement and reports the model as runner-up', () => {
    const out = decideRouting({
      ...base,
      subject: 'Locked out',
      body: 'I forgot my password and I am locked out',
      learned: learned('hardware', 0.97),
    });
    expect(out.workload).toBe('password-reset');
    expect(out.routing.runnerUp).toEqual({ workload: 'hardware', confidence: 0.97 });
  });

  it('makes a ticket internal when the model is very sure it is a guardrail matter, but not on a weak guess', () => {
    const vague = { ...base, subject: 'wifi', body: 'the wifi is slow' };
    const sure = decideRouting({ ...vague, learned: learned('purchasing-budget', 0.9) });
    expect([sure.owner, sure.routing.rule, sure.routing.flags.guardrail]).toEqual([
      'internal',
      'guardrail',
      true,
    ]);
    const unsure = decideRouting({ ...vague, learned: learned('purchasing-budget', 0.6) });
    expect(unsure.owner).toBe('partner');
  });
});

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
