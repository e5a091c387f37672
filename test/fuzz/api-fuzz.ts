import { ErrorSchema } from '@psa/contracts/http/shared';
import { divisionOfWorkInput } from '@psa/testing/division-of-work';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { type Apis, startApis, TENANTS } from './apis.ts';
import { hostileRawBody, hostileString, mutated } from './hostile.ts';
import { arbitraryOf } from './json-schema-arbitrary.ts';

/**
 * A property-based fuzzer over every route of the HTTP contract: requests generated from each
 * route's zod schemas (path, query, headers, body), bent into hostile variants, sent with valid
 * tokens of every role and tenant (and a tenant that does not exist) to each service's Hono app
 * in process, over emulator-backed stores. The property: every request is answered, within
 * `timeoutMs`, with a status below 500, and every refusal with the contract's error body. `fuzzApi` is what `npm test` runs with a fixed seed and
 * a few hundred runs, and what a longer run (test/fuzz/main.ts, `npm run fuzz`) runs with more.
 */

export interface FuzzOptions {
  seed: number;
  runs: number;
  /** Longest any one request may take before it counts as a hang. */
  timeoutMs?: number;
}

export interface FuzzReport {
  seed: number;
  runs: number;
  /** How many answers had each status. */
  statuses: Record<number, number>;
  /** The smallest failing request fast-check found, with what went wrong; null when none failed. */
  failure: { request: FuzzRequest; problem: string; replay: string } | null;
}

export interface FuzzRequest {
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** A document as an editor sends it, and the simulate request around it. */
function draftDocument(): Record<string, unknown> {
  const { tenantId: _t, version: _v, effectiveFrom: _e, ...rest } = divisionOfWorkInput();
  return rest;
}

function validBody(route: string): unknown {
  switch (route) {
    case 'putDivisionOfWork':
    case 'validateDivisionOfWork':
      return draftDocument();
    case 'simulateDivisionOfWork':
      return { month: '2026-06', proposal: draftDocument(), backlog: 'replayed', maxChanges: 5 };
    case 'importHistory':
      return { csv: 'text,label\nprinter jammed,hardware\n', labelMap: { hardware: 'hardware' } };
    default:
      return undefined;
  }
}

/**
 * A path segment as a client may send it, byte by byte: UTF-8, and a lone surrogate as the three
 * bytes of WTF-8 (`%ED%A0%80`), which is not UTF-8 at all (`encodeURIComponent` would refuse it).
 */
function percentEncoded(segment: string): string {
  let out = '';
  for (const ch of segment) {
    const cp = ch.codePointAt(0)!;
    if (/^[A-Za-z0-9_.~-]$/.test(ch)) out += ch;
    else if (cp >= 0xd800 && cp <= 0xdfff) {
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += [...Buffer.from(ch, 'utf8')]
        .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
        .join('');
    }
  }
  return out;
}

/**
 * Hostile strings an HTTP client can put in a header at all: bytes (no code point over U+00FF),
 * no NUL or line break, no surrounding whitespace (https://fetch.spec.whatwg.org/#header-value).
 */
const sendableHeader = hostileString.filter((v) =>
  /^([\x21-\x7e\x80-\xff]([\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/.test(v),
);

function requestArb(apis: Apis): fc.Arbitrary<FuzzRequest> {
  const principal = fc.constantFrom(...apis.tokens.keys());
  const perRoute = apis.routes.map(([name, route]) => {
    const query = route.request?.query;
    const jsonSchema = route.request?.body?.content['application/json']?.schema;
    const valid = validBody(name);

    const paramValue = (param: string, tenant: string): fc.Arbitrary<string> => {
      switch (param) {
        case 'tenantId':
          return fc.oneof(
            { weight: 8, arbitrary: fc.constant(tenant) },
            fc.constantFrom(...TENANTS),
            hostileString,
          );
        case 'id':
          return fc.oneof(fc.constantFrom(...apis.ids, ...apis.quarantined, 'missing-id'), hostileString);
        case 'attachmentId':
          return fc.oneof(fc.constantFrom(...apis.attachments, 'x-1'), hostileString);
        case 'version':
          return fc.constantFrom('1', '2', '0', '-1', '1.5', 'abc', '99999999999999999999', '1e3');
        default:
          return hostileString;
      }
    };
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

    const queryArb: fc.Arbitrary<Record<string, unknown>> = query
      ? fc.oneof(
          arbitraryOf(query) as fc.Arbitrary<Record<string, unknown>>,
          fc.record({
            cursor: fc.oneof(fc.constantFrom(...apis.foreignCursors), hostileString),
            month: fc.oneof(
              fc.constantFrom('0000-01', '9999-12', '2026-13', '2026-06', '1970-01'),
              hostileString,
            ),
            limit: fc.oneof(fc.integer(), hostileString),
          }),
        )
      : fc.constant({});

    const bodyArb: fc.Arbitrary<{ type?: string; text?: string }> = (() => {
      if (!route.request?.body) {
        return fc.oneof(
          { weight: 5, arbitrary: fc.constant({}) },
          hostileRawBody.map((text) => ({ type: 'application/json', text })),
        );
      }
      const values: fc.Arbitrary<unknown>[] = [];
      if (valid !== undefined) values.push(fc.constant(valid), mutated(valid), mutated(valid));
      if (jsonSchema) values.push(arbitraryOf(jsonSchema));
      const json = fc
        .oneof(...values)
        .map((v) => ({ type: 'application/json', text: JSON.stringify(v) ?? '' }));
      const yaml = fc.oneof(...values).map((v) => ({ type: 'application/yaml', text: toYaml(v ?? null) }));
      return fc.oneof(
        { weight: 6, arbitrary: json },
        { weight: 2, arbitrary: yaml },
        { weight: 2, arbitrary: hostileRawBody.map((text) => ({ type: 'application/json', text })) },
        hostileRawBody.map((text) => ({ type: 'application/yaml', text })),
        fc
          .tuple(
            fc.constantFrom(
              'text/plain',
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=x',
              'application/json; charset=utf-16',
              '',
            ),
            fc.oneof(
              json,
              hostileRawBody.map((text) => ({ text })),
            ),
          )
          .map(([type, b]) => ({ type, text: b.text })),
        json.map((b) => ({ text: b.text })),
      );
    })();

    const headersArb = fc.record(
      {
        'idempotency-key': fc.oneof(fc.uuid(), sendableHeader),
        'if-match': fc.oneof(fc.constantFrom('"1"', '"2"', '*', 'W/"1"'), sendableHeader),
        accept: fc.constantFrom('application/yaml', 'application/json', '*/*', 'text/html'),
        // Now and then headers larger than API Gateway takes (10,240 bytes).
        'x-padding': fc.oneof(
          { weight: 1, arbitrary: fc.constant('x'.repeat(11_000)) },
          { weight: 30, arbitrary: fc.constant('y') },
        ),
      },
      { requiredKeys: [] },
    );

    const auth = fc.oneof(
      { weight: 12, arbitrary: principal.map((key) => ({ key, bearer: apis.tokens.get(key)! })) },
      fc.constantFrom(
        { key: 'none/none', bearer: '' },
        { key: 'foreign/internal', bearer: apis.foreign },
        { key: 'garbage/none', bearer: 'a.b.c' },
      ),
    );

    return auth.chain(({ key, bearer }) => {
      const tenant = key.split('/')[0]!;
      return fc
        .tuple(fc.tuple(...names.map((n) => paramValue(n, tenant))), queryArb, bodyArb, headersArb)
        .map(([values, q, body, headers]): FuzzRequest => {
          let path = route.path;
          names.forEach((n, i) => {
            path = path.replace(`{${n}}`, percentEncoded(values[i] ?? ''));
          });
          const search = new URLSearchParams();
          for (const [k, v] of Object.entries(q)) if (v !== undefined) search.set(k, String(v));
          const qs = search.toString();
          const all: Record<string, string> = { ...(headers as Record<string, string>) };
          if (bearer) all.authorization = `Bearer ${bearer}`;
          if (body.type) all['content-type'] = body.type;
          return {
            route: name,
            method: route.method.toUpperCase(),
            path: `${path}${qs ? `?${qs}` : ''}`,
            headers: all,
            ...(body.text !== undefined && route.method !== 'get' ? { body: body.text } : {}),
          };
        });
    });
  });
  return fc.oneof(...perRoute);
}

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A request as a shell command, to replay a failure against the local server. */
function replayOf(r: FuzzRequest): string {
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `-H ${JSON.stringify(`${k}: ${v.length > 80 ? `${v.slice(0, 80)}…` : v}`)}`)
    .join(' ');
  const body =
    r.body === undefined
      ? ''
      : ` --data-binary ${JSON.stringify(r.body.length > 200 ? `${r.body.slice(0, 200)}…` : r.body)}`;
  return `curl -X ${r.method} ${headers}${body} "http://127.0.0.1:8080${r.path.length > 300 ? `${r.path.slice(0, 300)}…` : r.path}"`;
}

/** Runs the fuzzer; never throws for a failing request (the report says), only for a broken setup. */
export async function fuzzApi(opts: FuzzOptions): Promise<FuzzReport> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const apis = await startApis();
  const statuses: Record<number, number> = {};
  try {
    const result = await fc.check(
      fc.asyncProperty(requestArb(apis), async (req) => {
        const app = apis.apps.get(req.route)!;
        let timer: NodeJS.Timeout | undefined;
        const hang = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        });
        try {
          const res = await Promise.race([
            (async () => {
              const r = await app.request(req.path, {
                method: req.method,
                headers: req.headers,
                ...(req.body !== undefined ? { body: req.body } : {}),
              });
              return { status: r.status, text: await r.text() };
            })(),
            hang,
          ]);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status >= 500) throw new Error(`answered ${res.status}: ${res.text.slice(0, 300)}`);
          // Every refusal is the contract's error body, whoever refused (a validator, a limit, a use case).
          if (res.status >= 400 && !ErrorSchema.safeParse(parsedJson(res.text)).success) {
            throw new Error(`answered ${res.status} without the error body: ${res.text.slice(0, 300)}`);
          }
        } finally {
          clearTimeout(timer);
        }
      }),
      { seed: opts.seed, numRuns: opts.runs, endOnFailure: false },
    );
    const counterexample = result.counterexample?.[0];
    return {
      seed: opts.seed,
      runs: result.numRuns,
      statuses,
      failure:
        result.failed && counterexample
          ? {
              request: counterexample,
              problem: String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance),
              replay: replayOf(counterexample),
            }
          : null,
    };
  } finally {
    await apis.stop();
  }
}
