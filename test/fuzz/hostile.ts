import fc from 'fast-check';

/**
 * Hostile variants of valid input, the kinds a black-box probe found 500s with: sizes (empty,
 * huge), odd code points (U+0000, U+FFFE, lone surrogates, emoji, right-to-left, combining
 * marks), ids longer than any key, prototype keys, deep nesting, duplicate keys, wrong types.
 */

const ODD_CODE_POINTS = [
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u200b',
  '\u202e',
  '\uFEFF',
  '\uFFFE',
  '\uFFFF',
  '\uD800',
  '\uDFFF',
  '\uDBFF\uDFFF',
  '🚀',
  '👩🏽‍💻',
  'é',
  'e\u0301',
  'Ω',
  '%00',
  '%2F',
  '../..',
  '#',
  `$${'{'}x}`,
  "'; DROP TABLE tickets; --",
  '<script>alert(1)</script>',
];

/** Strings a field may be sent instead of a sensible one. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.constant(' '),
  fc.constantFrom(...ODD_CODE_POINTS),
  fc
    .array(fc.constantFrom(...ODD_CODE_POINTS), { minLength: 1, maxLength: 6 })
    .map((parts) => `a${parts.join('b')}`),
  fc.integer({ min: 60, max: 70 }).map((n) => 'i'.repeat(n)),
  fc.constantFrom(1024, 2049, 4096, 70_000).map((n) => 'x'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

/** Any JSON value a field may be sent instead of its own type. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, 1.5, [], {}),
  fc.constant({ __proto__: null, polluted: true }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 20, max: 40 }).map((depth) => nest(depth)),
);

/** An array nested `depth` levels deep. */
export function nest(depth: number): unknown {
  let v: unknown = 0;
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

/** Every path into a JSON value (objects and arrays), the root included. */
function pathsOf(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => void pathsOf(v, [...path, i], out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out);
  }
  return out;
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = setAt(copy[head as number], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  copy[head as string] = setAt(copy[head as string], rest, replacement);
  return copy;
}

function addKeyAt(value: unknown, path: (string | number)[], key: string, extra: unknown): unknown {
  const target = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], value);
  if (!target || typeof target !== 'object' || Array.isArray(target)) return value;
  const withKey: Record<string, unknown> = { ...(target as Record<string, unknown>) };
  Object.defineProperty(withKey, key, { value: extra, enumerable: true, writable: true, configurable: true });
  return setAt(value, path, withKey);
}

/** A valid value with one place bent: a field replaced, removed, or a stray (prototype) key added. */
export function mutated(valid: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(valid);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...paths), hostileValue).map(([p, v]) => setAt(valid, p, v)),
    fc.constantFrom(...paths.filter((p) => p.length > 0)).map((p) => setAt(valid, p, undefined)),
    fc
      .tuple(
        fc.constantFrom(...paths),
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'extra'),
        hostileValue,
      )
      .map(([p, k, v]) => addKeyAt(valid, p, k, v)),
  );
}

/** Bodies that are not what any route reads, as raw text. */
export const hostileRawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'null',
    '[]',
    '"text"',
    '{',
    '{"a":1,"a":2}',
    '{"subject":"a","subject":{"nested":true},"body":"b","body":"c"}',
    '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
    '\uFEFF{}',
    '{"a":"\\ud800"}',
    '{"a":"\\u0000"}',
    'a: [1, 2',
    '%YAML 1.1\n---\nkey: &a [*a]',
    'a: &x [1]\nb: [*x, *x, *x]\n',
  ),
  fc.constantFrom(33, 100, 10_000, 200_000).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.constantFrom(33, 2000).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.constantFrom(200, 5000).map((depth) => `${'- '.repeat(1)}${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.constant(`{"csv":"${'x'.repeat(1_100_000)}"}`),
  fc.string({ unit: 'binary', maxLength: 200 }),
);
