import { routerRoutes } from '@psa/contracts/http/router-routes';
import { HTTP_ROUTES } from '@psa/contracts/wiring';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { draft, type RouterApi, startRouterApi, token, workload } from './api-support.ts';

const DOW = '/v1/tenants/acme/division-of-work';

let api: RouterApi;
let internal: string;
beforeEach(async () => {
  api = await startRouterApi();
  internal = await token({ role: 'internal', email: 'it-lead@acme.example' });
});
afterEach(() => api.stop());

const hardwareToPartner = () =>
  draft((d) => {
    workload(d, 'hardware').owner = 'partner';
  });

describe('GET division-of-work', () => {
  it('answers the current document to internal, partner and leadership, with its version as ETag', async () => {
    for (const role of ['internal', 'partner', 'leadership'] as const) {
      const res = await api.call('GET', DOW, { token: await token({ role }) });
      expect(res.status, role).toBe(200);
      expect(res.headers.get('etag')).toBe('"1"');
      expect(res.body.version).toBe(1);
      expect(res.body.workloads.map((w: { id: string }) => w.id)).toContain('hardware');
    }
  });

  it('refuses requesters (403), hides other tenants (404) and needs a token (401)', async () => {
    expect((await api.call('GET', DOW, { token: await token({ role: 'requester' }) })).status).toBe(403);
    expect(
      (await api.call('GET', DOW, { token: await token({ role: 'internal', tenant: 'globex' }) })).status,
    ).toBe(404);
    expect((await api.call('GET', DOW)).status).toBe(401);
  });

  it('answers YAML when asked, which reads back as the same document', async () => {
    const json = await api.call('GET', DOW, { token: internal });
    const yaml = await api.call('GET', DOW, { token: internal, headers: { accept: 'application/yaml' } });
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(parseYaml(yaml.text)).toEqual(json.body);
  });
});

describe('PUT division-of-work', () => {
  it('publishes the next version for internal IT, recording who, when and what changed', async () => {
    api.clock.set('2026-06-17T15:30:00.000Z');
    const res = await api.call('PUT', DOW, { token: internal, json: hardwareToPartner() });

    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"2"');
    expect(res.body).toMatchObject({
      version: 2,
      effectiveFrom: '2026-06-17T15:30:00.000Z',
      changedBy: 'it-lead@acme.example',
      changedAt: '2026-06-17T15:30:00.000Z',
      summary: ["workload 'hardware' owner: 'internal' → 'partner'"],
    });
    expect(res.body.document).toMatchObject({ tenantId: 'acme', version: 2 });
    const current = await api.call('GET', DOW, { token: internal });
    expect(current.body.version).toBe(2);
    expect(workload(current.body, 'hardware').owner).toBe('partner');
  });

  it('keeps every version: history newest first, and each version readable as published', async () => {
    api.clock.set('2026-06-17T15:30:00.000Z');
    await api.call('PUT', DOW, { token: internal, json: hardwareToPartner() });
    api.clock.set('2026-06-18T09:00:00.000Z');
    const third = draft((d) => {
      workload(d, 'hardware').owner = 'partner';
      d.overflowLimit = 30;
      d.vipRequesters = ['ceo@acme.example', 'cfo@acme.example', 'coo@acme.example'];
    });
    expect((await api.call('PUT', DOW, { token: internal, json: third })).status).toBe(201);

    const history = await api.call('GET', `${DOW}/versions`, { token: await token({ role: 'leadership' }) });
    expect(history.status).toBe(200);
    expect(history.body.current).toBe(3);
    expect(history.body.items.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(history.body.items[0]).toEqual({
      version: 3,
      effectiveFrom: '2026-06-18T09:00:00.000Z',
      changedBy: 'it-lead@acme.example',
      changedAt: '2026-06-18T09:00:00.000Z',
      summary: ["vipRequesters: added 'coo@acme.example'", 'overflowLimit: 25 → 30'],
    });
    // The seeded version has no author.
    expect(history.body.items[2]).toEqual({
      version: 1,
      effectiveFrom: '2026-01-01T05:00:00Z',
      changedBy: null,
      changedAt: null,
      summary: [],
    });

    const v1 = await api.call('GET', `${DOW}/versions/1`, { token: internal });
    expect(v1.status).toBe(200);
    expect(workload(v1.body.document, 'hardware').owner).toBe('internal');
    expect((await api.call('GET', `${DOW}/versions/9`, { token: internal })).status).toBe(404);
  });

  it("keeps the publisher's Change-Note with the version, percent-decoded, and refuses one too long", async () => {
    const note = 'Hardware to the partner: the MSP has a depot — see ticket ACME-1042';
    const res = await api.call('PUT', DOW, {
      token: internal,
      json: hardwareToPartner(),
      headers: { 'change-note': encodeURIComponent(note) },
    });
    expect(res.status).toBe(201);
    expect(res.body.note).toBe(note);
    const history = await api.call('GET', `${DOW}/versions`, { token: internal });
    expect(history.body.items[0].note).toBe(note);
    // A version published without a note has none.
    expect(history.body.items[1]).not.toHaveProperty('note');
    expect((await api.call('GET', `${DOW}/versions/2`, { token: internal })).body.note).toBe(note);

    const long = await api.call('PUT', DOW, {
      token: internal,
      json: draft((d) => {
        d.overflowLimit = 31;
      }),
      headers: { 'change-note': 'x'.repeat(1001) },
    });
    expect(long.status).toBe(400);
    expect(long.body.error.issues).toEqual([
      { path: 'header.change-note', message: 'at most 1000 characters' },
    ]);
  });

  it('answers a past version as YAML when asked: the document alone, as it was published', async () => {
    await api.call('PUT', DOW, { token: internal, json: hardwareToPartner() });
    const v1 = await api.call('GET', `${DOW}/versions/1`, { token: internal });
    const yaml = await api.call('GET', `${DOW}/versions/1`, {
      token: await token({ role: 'leadership' }),
      headers: { accept: 'application/yaml' },
    });
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(parseYaml(yaml.text)).toEqual(v1.body.document);
  });

  it('is idempotent: a document that changes nothing publishes nothing and answers 200', async () => {
    const first = await api.call('PUT', DOW, { token: internal, json: hardwareToPartner() });
    const again = await api.call('PUT', DOW, { token: internal, json: hardwareToPartner() });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(2);
    const history = await api.call('GET', `${DOW}/versions`, { token: internal });
    expect(history.body.items).toHaveLength(2);
  });

  it('round-trips: the document as read (with tenantId and version) can be edited and sent back', async () => {
    const read = (await api.call('GET', DOW, { token: internal })).body;
    workload(read, 'hardware').owner = 'partner';
    const res = await api.call('PUT', DOW, { token: internal, json: read });
    expect(res.status).toBe(201);
    expect(res.body.version).toBe(2);
    // The effectiveFrom it carried was v1's: the new version applies from now, it never backdates.
    expect(read.effectiveFrom).toBe('2026-01-01T05:00:00Z');
    expect(res.body.effectiveFrom).toBe(api.clock.now().toISOString());
    const versions = await api.call('GET', `${DOW}/versions`, { token: internal });
    expect(versions.body.items.map((v: { effectiveFrom: string }) => v.effectiveFrom)).toEqual([
      api.clock.now().toISOString(),
      '2026-01-01T05:00:00Z',
    ]);
  });

  it('never backdates: the current effectiveFrom is replaced by now, any other past instant is refused', async () => {
    const limit31 = () =>
      draft((d) => {
        d.overflowLimit = 31;
      });
    const carried = await api.call('PUT', DOW, {
      token: internal,
      json: { ...hardwareToPartner(), effectiveFrom: '2026-01-01T05:00:00Z' },
    });
    expect(carried.status).toBe(201);
    expect(carried.body.effectiveFrom).toBe(api.clock.now().toISOString());

    const backdated = await api.call('POST', `${DOW}/validate`, {
      token: internal,
      json: { ...limit31(), effectiveFrom: '2026-03-01T00:00:00Z' },
    });
    expect(backdated.body).toMatchObject({ valid: false, wouldBecomeVersion: null });
    expect(backdated.body.issues).toEqual([
      { path: 'effectiveFrom', message: expect.stringMatching(/must not be in the past/) },
    ]);
    const put = await api.call('PUT', DOW, {
      token: internal,
      json: { ...limit31(), effectiveFrom: '2026-03-01T00:00:00Z' },
    });
    expect(put.status).toBe(400);
    expect(put.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['body.effectiveFrom']);
  });

  it('refuses an edit based on a version that is no longer current (If-Match or the version it carries)', async () => {
    const read = (await api.call('GET', DOW, { token: internal })).body;
    await api.call('PUT', DOW, { token: internal, json: hardwareToPartner() });

    read.overflowLimit = 40;
    const stale = await api.call('PUT', DOW, { token: internal, json: read });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/based on v1, but the current version is v2/);

    const header = await api.call('PUT', DOW, {
      token: internal,
      json: draft((d) => {
        d.overflowLimit = 40;
      }),
      headers: { 'if-match': '"1"' },
    });
    expect(header.status).toBe(409);
    const fresh = await api.call('PUT', DOW, {
      token: internal,
      json: draft((d) => {
        d.overflowLimit = 40;
      }),
      headers: { 'if-match': '"2"' },
    });
    expect(fresh.status).toBe(201);
  });

  it('is for internal IT only: partner and leadership get 403, and nothing is published', async () => {
    for (const role of ['partner', 'leadership', 'requester'] as const) {
      const res = await api.call('PUT', DOW, { token: await token({ role }), json: hardwareToPartner() });
      expect(res.status, role).toBe(403);
    }
    expect((await api.call('GET', DOW, { token: internal })).body.version).toBe(1);
  });

  it('answers 400 naming each problem by its JSON path, and publishes nothing', async () => {
    const bad = draft((d) => {
      (d.workloads[3] as { owner: string }).owner = 'msp';
      (d.workloads[2] as Record<string, unknown>).afterHoursOwnr = 'partner';
      d.overflowLimit = -1;
    });
    bad.tenantId = 'globex';
    const res = await api.call('PUT', DOW, { token: internal, json: bad });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.workloads.3.owner',
        'body.workloads.2.afterHoursOwnr',
        'body.overflowLimit',
        'body.tenantId',
      ]),
    );
    expect(res.body.error.issues).toContainEqual({
      path: 'body.workloads.2.afterHoursOwnr',
      message: 'unknown field',
    });
    expect(
      res.body.error.issues.find((i: { path: string }) => i.path === 'body.workloads.3.owner').message,
    ).toMatch(/owner must be 'partner' or 'internal'/);
    expect((await api.call('GET', `${DOW}/versions`, { token: internal })).body.items).toHaveLength(1);
  });

  it('accepts application/yaml, and names the line of a YAML syntax error', async () => {
    const res = await api.call('PUT', DOW, { token: internal, yaml: stringifyYaml(hardwareToPartner()) });
    expect(res.status).toBe(201);
    expect(workload(res.body.document, 'hardware').owner).toBe('partner');

    const broken = await api.call('PUT', DOW, {
      token: internal,
      yaml: 'name: Acme\nworkloads:\n  - id: [unclosed\n',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.issues[0].path).toBe('body');
    expect(broken.body.error.issues[0].message).toMatch(/line \d+, column \d+/);

    const yamlInvalid = await api.call('PUT', DOW, {
      token: internal,
      yaml: stringifyYaml(
        draft((d) => {
          (d.workloads[3] as { owner: string }).owner = 'msp';
        }),
      ),
    });
    expect(yamlInvalid.status).toBe(400);
    expect(yamlInvalid.body.error.issues.map((i: { path: string }) => i.path)).toEqual([
      'body.workloads.3.owner',
    ]);
  });

  it('refuses other media types (415) and malformed JSON (400 at body)', async () => {
    const text = await api.call('PUT', DOW, { token: internal, raw: { type: 'text/plain', body: 'hello' } });
    expect(text.status).toBe(415);
    const json = await api.call('PUT', DOW, {
      token: internal,
      raw: { type: 'application/json', body: '{"name":' },
    });
    expect(json.status).toBe(400);
    expect(json.body.error.issues[0].path).toBe('body');
  });

  it('defaults effectiveFrom to now and refuses one in the future', async () => {
    api.clock.set('2026-06-20T12:00:00.000Z');
    const future = await api.call('PUT', DOW, {
      token: internal,
      json: { ...hardwareToPartner(), effectiveFrom: '2026-07-01T00:00:00Z' },
    });
    expect(future.status).toBe(400);
    expect(future.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['body.effectiveFrom']);
    const now = await api.call('PUT', DOW, { token: internal, json: hardwareToPartner() });
    expect(now.body.effectiveFrom).toBe('2026-06-20T12:00:00.000Z');
  });

  it('refuses a support address registered to another tenant (mail would go to the wrong tenant)', async () => {
    const res = await api.call('PUT', DOW, {
      token: internal,
      json: draft((d) => {
        d.supportAddresses = ['support@acme.example', 'support@globex.example'];
      }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([
      { path: 'body.supportAddresses.1', message: 'support@globex.example is registered to another tenant' },
    ]);
    expect(await api.deps.mail.tenantForAddress('support@globex.example')).toBe('globex');
  });

  it('a published version is the one the next routing decision applies and records', async () => {
    api.clock.set('2026-06-17T15:30:00.000Z');
    expect((await api.call('PUT', DOW, { token: internal, json: hardwareToPartner() })).status).toBe(201);

    const tickets = await api.history([
      {
        name: 'laptop',
        at: '2026-06-17T15:31:00.000Z',
        subject: 'Laptop screen cracked',
        body: 'my laptop is broken',
      },
    ]);
    const t = tickets.get('laptop')!;
    expect(t.owner).toBe('partner');
    expect(t.workload).toBe('hardware');
    expect(t.routing?.divisionOfWorkVersion).toBe(2);
    expect(t.routing?.reasons[0]).toBe("partner owns 'hardware' (division of work v2)");
  });
});

describe('POST division-of-work/validate', () => {
  it('answers 200 with the issues by JSON path inside the document', async () => {
    const res = await api.call('POST', `${DOW}/validate`, {
      token: internal,
      json: draft((d) => {
        (d.workloads[3] as { owner: string }).owner = 'msp';
      }),
    });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.wouldBecomeVersion).toBeNull();
    expect(res.body.issues).toHaveLength(1);
    expect(res.body.issues[0].path).toBe('workloads.3.owner');
  });

  it('says what a valid draft would change and which version it would become, without publishing', async () => {
    const before = await api.itemCount();
    const res = await api.call('POST', `${DOW}/validate`, {
      token: await token({ role: 'partner' }),
      yaml: stringifyYaml(hardwareToPartner()),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      valid: true,
      issues: [],
      wouldBecomeVersion: 2,
      changes: ["workload 'hardware' owner: 'internal' → 'partner'"],
    });
    expect(await api.itemCount()).toBe(before);
    expect((await api.call('GET', DOW, { token: internal })).body.version).toBe(1);
  });

  it('is not for requesters', async () => {
    const res = await api.call('POST', `${DOW}/validate`, {
      token: await token({ role: 'requester' }),
      json: draft(),
    });
    expect(res.status).toBe(403);
  });
});

describe('simulate and coverage: access and input', () => {
  it('lets internal and leadership simulate, not the partner (it may not read internal tickets)', async () => {
    const body = { month: '2026-06', proposal: hardwareToPartner() };
    expect((await api.call('POST', `${DOW}/simulate`, { token: internal, json: body })).status).toBe(200);
    expect(
      (await api.call('POST', `${DOW}/simulate`, { token: await token({ role: 'leadership' }), json: body }))
        .status,
    ).toBe(200);
    expect(
      (await api.call('POST', `${DOW}/simulate`, { token: await token({ role: 'partner' }), json: body }))
        .status,
    ).toBe(403);
    const other = await token({ role: 'internal', tenant: 'globex' });
    expect((await api.call('POST', `${DOW}/simulate`, { token: other, json: body })).status).toBe(404);
  });

  it('names the problem in the request or inside the proposal', async () => {
    const bad = await api.call('POST', `${DOW}/simulate`, {
      token: internal,
      json: {
        month: '2026-13',
        proposal: draft((d) => {
          (d.workloads[6] as { owner: string }).owner = 'msp';
        }),
        extra: 1,
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.extra',
      'body.month',
    ]);

    const proposal = await api.call('POST', `${DOW}/simulate`, {
      token: internal,
      json: {
        month: '2026-06',
        proposal: draft((d) => {
          (d.workloads[6] as { owner: string }).owner = 'msp';
        }),
      },
    });
    expect(proposal.status).toBe(400);
    expect(proposal.body.error.issues.map((i: { path: string }) => i.path)).toEqual([
      'body.proposal.workloads.6.owner',
    ]);
  });
});

describe('wiring', () => {
  it('sends every route of the router to RouterApi, behind the authorizer', () => {
    for (const r of Object.values(routerRoutes)) {
      const found = HTTP_ROUTES.find((h) => h.method === r.method.toUpperCase() && h.path === r.path);
      expect(found, `${r.method} ${r.path}`).toMatchObject({ functionId: 'RouterApi', authorized: true });
    }
  });
});
