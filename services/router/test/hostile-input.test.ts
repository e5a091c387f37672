import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draft, type RouterApi, startRouterApi, token } from './api-support.ts';

/**
 * What a black-box probe sent the division-of-work API and got a 500 (or a wrong 200) for: each
 * is now a 4xx that names the problem, or a verdict that does.
 */

const DOW = '/v1/tenants/acme/division-of-work';

let api: RouterApi;
let internal: string;
beforeAll(async () => {
  api = await startRouterApi();
  internal = await token({ role: 'internal', email: 'it-lead@acme.example' });
});
afterAll(() => api.stop());

/** A JSON text with `key` added at the top level and inside the first workload (JSON.parse keeps `__proto__` as a key). */
function withKey(key: string): string {
  const doc = draft() as { workloads: Record<string, unknown>[] };
  const text = JSON.stringify({ ...doc, workloads: [{ ...doc.workloads[0] }, ...doc.workloads.slice(1)] });
  return text
    .replace(/^\{/, `{"${key}": {"polluted": true},`)
    .replace('"workloads":[{', `"workloads":[{"${key}": 1,`);
}

describe('keys that name Object.prototype members', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'refuses %s as an unknown field on PUT (400) and in validate (200, invalid)',
    async (key) => {
      const body = withKey(key);
      const put = await api.call('PUT', DOW, { token: internal, raw: { type: 'application/json', body } });
      expect(put.status).toBe(400);
      expect(put.body.error.issues).toEqual(
        expect.arrayContaining([
          { path: `body.${key}`, message: 'unknown field' },
          { path: `body.workloads.0.${key}`, message: 'unknown field' },
        ]),
      );
      const validate = await api.call('POST', `${DOW}/validate`, {
        token: internal,
        raw: { type: 'application/json', body },
      });
      expect(validate.status).toBe(200);
      expect(validate.body.valid).toBe(false);
      expect(validate.body.issues).toEqual(expect.arrayContaining([{ path: key, message: 'unknown field' }]));
    },
  );

  it('refuses them in YAML too', async () => {
    const put = await api.call('PUT', DOW, {
      token: internal,
      yaml: `__proto__:\n  polluted: true\nconstructor: 1\nname: Acme\n`,
    });
    expect(put.status).toBe(400);
    expect(put.body.error.issues).toEqual(
      expect.arrayContaining([
        { path: 'body.__proto__', message: 'unknown field' },
        { path: 'body.constructor', message: 'unknown field' },
      ]),
    );
  });
});

describe('months a simulation cannot replay', () => {
  it.each(['0000-01', '9999-12', '1969-12', '3000-01'])('answers 400 at body.month for %s', async (month) => {
    const res = await api.call('POST', `${DOW}/simulate`, {
      token: internal,
      json: { month, proposal: draft() },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([
      { path: 'body.month', message: 'month must be YYYY-MM, from 1970-01 to 2999-12' },
    ]);
  });
});

describe('another tenant’s token', () => {
  it('gets 404 whatever the body holds, on every division-of-work route (never a 400 that reads it)', async () => {
    const globex = await token({ role: 'internal', tenant: 'globex' });
    const bad = { json: { nonsense: true } };
    for (const [method, path] of [
      ['POST', `${DOW}/simulate`],
      ['POST', `${DOW}/history`],
      ['POST', `${DOW}/validate`],
      ['PUT', DOW],
    ] as const) {
      const res = await api.call(method, path, { token: globex, ...bad });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });
});

describe('texts and hours validate refuses', () => {
  it('refuses a NUL, another control character, a noncharacter or a lone surrogate in any text, by path', async () => {
    const res = await api.call('POST', `${DOW}/validate`, {
      token: internal,
      json: draft((d) => {
        d.name = 'Acme\u0000Corp';
        d.workloads[0]!.description = 'bell \u0007';
        d.workloads[1]!.recognise.keywords![0]!.term = 'printer\uFFFE';
        d.workloads[2]!.examples = ['broken \uD800 text'];
      }),
    });
    expect(res.body.valid).toBe(false);
    expect(res.body.issues).toEqual(
      expect.arrayContaining([
        { path: 'name', message: 'must not contain the control character U+0000' },
        { path: 'workloads.0.description', message: 'must not contain the control character U+0007' },
        {
          path: 'workloads.1.recognise.keywords.0.term',
          message: 'must not contain the noncharacter U+FFFE',
        },
        { path: 'workloads.2.examples.0', message: expect.stringMatching(/lone surrogate/) },
      ]),
    );
  });

  it('keeps tabs, line breaks and emoji', async () => {
    const res = await api.call('POST', `${DOW}/validate`, {
      token: internal,
      json: draft((d) => {
        d.name = 'Acme 🚀';
        d.workloads[0]!.description = 'line one\n\tline two\r\n';
      }),
    });
    expect(res.body).toMatchObject({ valid: true, issues: [] });
  });

  it('refuses a range ending where it starts and overlapping ranges of a day, and keeps overnight ranges', async () => {
    const res = await api.call('POST', `${DOW}/validate`, {
      token: internal,
      json: draft((d) => {
        d.internalCalendar.hours.mon = [['08:00', '08:00']];
        d.internalCalendar.hours.tue = [
          ['08:00', '12:00'],
          ['11:00', '17:00'],
        ];
      }),
    });
    expect(res.body.valid).toBe(false);
    expect(res.body.issues).toEqual([
      { path: 'internalCalendar.hours.mon.0', message: expect.stringMatching(/either empty or 24 hours/) },
      {
        path: 'internalCalendar.hours.tue.1',
        message: 'overlaps the range ["08:00","12:00"] of the same day',
      },
    ]);

    const overnight = await api.call('POST', `${DOW}/validate`, {
      token: internal,
      json: draft((d) => {
        d.internalCalendar.hours.fri = [
          ['08:00', '17:00'],
          ['22:00', '06:00'],
        ];
      }),
    });
    expect(overnight.body).toMatchObject({ valid: true, wouldBecomeVersion: 2 });
  });
});
