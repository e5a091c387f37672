import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePattern, EventPatternError, matchesPattern, validatePattern } from '../src/event-pattern.ts';
import { parseIp, toMicros } from '../src/event-pattern-ops.ts';

interface CorpusCase {
  id: string;
  pattern: unknown;
  event: unknown;
  expected_match: boolean;
}

const corpus: { cases: CorpusCase[] } = JSON.parse(
  readFileSync(new URL('../../../test/corpus/eventpattern/cases.json', import.meta.url), 'utf8'),
);

describe('event-pattern corpus (aws/event-ruler tests and the EventBridge user guide)', () => {
  it('has cases', () => {
    expect(corpus.cases.length).toBeGreaterThan(0);
  });
  it.each(corpus.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    expect(matchesPattern(c.pattern, c.event)).toBe(c.expected_match);
  });
});

/** Shorthand: does `pattern` match `event`? */
const m = (pattern: unknown, event: unknown): boolean => matchesPattern(pattern, event);

describe('exact values', () => {
  it('matches strings, numbers, booleans and null by type and value', () => {
    expect(m({ a: ['x'] }, { a: 'x' })).toBe(true);
    expect(m({ a: ['x'] }, { a: 'X' })).toBe(false);
    expect(m({ a: [5] }, { a: 5 })).toBe(true);
    expect(m({ a: [5] }, { a: '5' })).toBe(false);
    expect(m({ a: ['5'] }, { a: 5 })).toBe(false);
    expect(m({ a: [true] }, { a: true })).toBe(true);
    expect(m({ a: [true] }, { a: 'true' })).toBe(false);
    expect(m({ a: [null] }, { a: null })).toBe(true);
    expect(m({ a: [null] }, { a: 'null' })).toBe(false);
    expect(m({ a: [null] }, {})).toBe(false);
  });

  it('compares numbers by value, whatever their spelling', () => {
    expect(m(JSON.parse('{"a": [5]}'), JSON.parse('{"a": 5.0}'))).toBe(true);
    expect(m(JSON.parse('{"a": [3.018e2]}'), { a: 301.8 })).toBe(true);
    expect(m({ a: [5] }, { a: 5.000001 })).toBe(false);
  });

  it('matches when any listed value matches', () => {
    expect(m({ a: ['x', 'y', 3] }, { a: 3 })).toBe(true);
    expect(m({ a: ['x', 'y'] }, { a: 'z' })).toBe(false);
  });

  it('treats an IP address literal as the address', () => {
    expect(m({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0:0:0:0:0:1' })).toBe(true);
    expect(m({ ip: ['10.0.0.1'] }, { ip: '10.0.0.1' })).toBe(true);
    expect(m({ ip: ['10.0.0.1'] }, { ip: '10.0.0.2' })).toBe(false);
  });

  it('supports {"equals": "..."}', () => {
    expect(m({ a: [{ equals: 'x' }] }, { a: 'x' })).toBe(true);
    expect(m({ a: [{ equals: 'x' }] }, { a: 'xx' })).toBe(false);
  });
});

describe('fields, nesting and arrays', () => {
  it('requires every field to match', () => {
    expect(m({ a: ['1'], b: ['2'] }, { a: '1', b: '2' })).toBe(true);
    expect(m({ a: ['1'], b: ['2'] }, { a: '1', b: '3' })).toBe(false);
    expect(m({ a: ['1'], b: ['2'] }, { a: '1' })).toBe(false);
  });

  it('ignores event fields the pattern does not name', () => {
    expect(m({ a: ['1'] }, { a: '1', z: { deep: [1, 2] } })).toBe(true);
  });

  it('descends into nested objects', () => {
    expect(m({ detail: { state: { value: ['ALARM'] } } }, { detail: { state: { value: 'ALARM' } } })).toBe(
      true,
    );
    expect(m({ detail: { state: { value: ['ALARM'] } } }, { detail: { value: 'ALARM' } })).toBe(false);
  });

  it('does not match a leaf list against an object in the event', () => {
    expect(m({ detail: ['x'] }, { detail: { x: 'x' } })).toBe(false);
    expect(m({ detail: [{ exists: true }] }, { detail: { x: 1 } })).toBe(false);
  });

  it('joins names with dots, as event-ruler does', () => {
    expect(m({ detail: { 'state.status': ['running'] } }, { detail: { state: { status: 'running' } } })).toBe(
      true,
    );
    expect(m({ detail: { state: { status: ['running'] } } }, { detail: { 'state.status': 'running' } })).toBe(
      true,
    );
  });

  it('matches an event array if any element matches', () => {
    expect(m({ resources: ['b', 'x'] }, { resources: ['a', 'b'] })).toBe(true);
    expect(m({ resources: ['c'] }, { resources: ['a', 'b'] })).toBe(false);
    expect(m({ a: [1] }, { a: [[0], [1]] })).toBe(true);
    expect(m({ a: ['x'] }, { a: [] })).toBe(false);
  });

  it('enforces array consistency across objects in one array', () => {
    const event = {
      people: [
        { first: 'John', last: 'Doe', ids: [1, 2] },
        { first: 'Anna', last: 'Smith' },
      ],
    };
    expect(m({ people: { first: ['Anna'], last: ['Smith'] } }, event)).toBe(true);
    expect(m({ people: { first: ['Anna'], last: ['Doe'] } }, event)).toBe(false);
    expect(m({ people: { first: ['John'], ids: [2] } }, event)).toBe(true);
    expect(m({ people: { first: ['Anna'], ids: [2] } }, event)).toBe(false);
    expect(m({ people: { first: ['Anna'], ids: [{ exists: false }] } }, event)).toBe(true);
    expect(m({ people: { first: ['John'], ids: [{ exists: false }] } }, event)).toBe(false);
  });

  it('allows values from different arrays to combine freely', () => {
    const event = { a: [{ x: 1 }, { x: 2 }], b: [{ y: 3 }, { y: 4 }] };
    expect(m({ a: { x: [2] }, b: { y: [3] } }, event)).toBe(true);
  });

  it('returns false for an event that is not an object', () => {
    expect(m({ a: ['x'] }, null)).toBe(false);
    expect(m({ a: ['x'] }, [{ a: 'x' }])).toBe(false);
    expect(m({ a: ['x'] }, 'x')).toBe(false);
  });
});

describe('empty strings and null (EventBridge user guide)', () => {
  it('does not confuse "" and null', () => {
    expect(m({ a: [''] }, { a: '' })).toBe(true);
    expect(m({ a: [''] }, { a: null })).toBe(false);
    expect(m({ a: [null] }, { a: '' })).toBe(false);
  });
});

describe('prefix and suffix', () => {
  it('match the start or end of strings only', () => {
    expect(m({ t: [{ prefix: '2017-10' }] }, { t: '2017-10-02' })).toBe(true);
    expect(m({ t: [{ prefix: '2017-10' }] }, { t: '2016-10-02' })).toBe(false);
    expect(m({ n: [{ prefix: '12' }] }, { n: 123 })).toBe(false);
    expect(m({ f: [{ suffix: '.png' }] }, { f: 'a.png' })).toBe(true);
    expect(m({ f: [{ suffix: '.png' }] }, { f: 'a.PNG' })).toBe(false);
    expect(m({ f: [{ suffix: 'er' }] }, { f: 'er' })).toBe(true);
  });

  it('have equals-ignore-case forms', () => {
    expect(m({ t: [{ prefix: { 'equals-ignore-case': 'RuNn' } }] }, { t: 'running' })).toBe(true);
    expect(m({ t: [{ prefix: { 'equals-ignore-case': 'RuNn' } }] }, { t: 'stopped' })).toBe(false);
    expect(m({ f: [{ suffix: { 'equals-ignore-case': '.PnG' } }] }, { f: 'a.png' })).toBe(true);
    expect(m({ f: [{ suffix: { 'equals-ignore-case': '.PnG' } }] }, { f: 'a.jpg' })).toBe(false);
  });
});

describe('equals-ignore-case', () => {
  it('compares whole strings without case', () => {
    expect(m({ a: [{ 'equals-ignore-case': 'aBc' }] }, { a: 'ABC' })).toBe(true);
    expect(m({ a: [{ 'equals-ignore-case': 'aBc' }] }, { a: 'aabc' })).toBe(false);
    expect(m({ a: [{ 'equals-ignore-case': '5' }] }, { a: 5 })).toBe(false);
  });
});

describe('wildcard', () => {
  it('matches * against any run of characters, including none', () => {
    expect(m({ a: [{ wildcard: '*bc' }] }, { a: 'bc' })).toBe(true);
    expect(m({ a: [{ wildcard: 'd*f' }] }, { a: 'dexeff' })).toBe(true);
    expect(m({ a: [{ wildcard: 'd*ff' }] }, { a: 'dexef' })).toBe(false);
    expect(m({ a: [{ wildcard: '12*4*' }] }, { a: '1235' })).toBe(false);
    expect(m({ a: [{ wildcard: '*' }] }, { a: '' })).toBe(true);
    expect(m({ a: [{ wildcard: 'a*' }] }, { a: 'a\nb' })).toBe(true);
  });

  it('treats regular-expression characters literally', () => {
    expect(m({ a: [{ wildcard: 'a.c*' }] }, { a: 'abc' })).toBe(false);
    expect(m({ a: [{ wildcard: '(x)*[y]' }] }, { a: '(x)..[y]' })).toBe(true);
  });

  it('escapes * and \\ with a backslash', () => {
    expect(m({ a: [{ wildcard: 'a\\*b' }] }, { a: 'a*b' })).toBe(true);
    expect(m({ a: [{ wildcard: 'a\\*b' }] }, { a: 'axb' })).toBe(false);
    expect(m({ a: [{ wildcard: 'a\\\\*' }] }, { a: 'a\\bc' })).toBe(true);
  });

  it('only applies to strings', () => {
    expect(m({ a: [{ wildcard: '1*' }] }, { a: 12 })).toBe(false);
  });
});

describe('anything-but', () => {
  it('excludes a string or a list of strings, and lets other types through', () => {
    expect(m({ s: [{ 'anything-but': 'stopped' }] }, { s: 'running' })).toBe(true);
    expect(m({ s: [{ 'anything-but': 'stopped' }] }, { s: 'stopped' })).toBe(false);
    expect(m({ s: [{ 'anything-but': ['a', 'b'] }] }, { s: 'b' })).toBe(false);
    expect(m({ s: [{ 'anything-but': ['a', 'b'] }] }, { s: 5 })).toBe(true);
    expect(m({ s: [{ 'anything-but': 'a' }] }, { s: null })).toBe(true);
  });

  it('excludes numbers by value, and lets strings through', () => {
    expect(m({ n: [{ 'anything-but': [100, 200] }] }, { n: 200.0 })).toBe(false);
    expect(m({ n: [{ 'anything-but': [100, 200] }] }, { n: 150 })).toBe(true);
    expect(m({ n: [{ 'anything-but': 444 }] }, { n: '444' })).toBe(true);
  });

  it('needs the field to be present', () => {
    expect(m({ s: [{ 'anything-but': 'x' }] }, {})).toBe(false);
  });

  it('supports prefix, suffix, equals-ignore-case and wildcard, single or listed', () => {
    expect(m({ s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 'initializing' })).toBe(false);
    expect(m({ s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 'running' })).toBe(true);
    expect(m({ s: [{ 'anything-but': { prefix: ['a', 'b'] } }] }, { s: 'bob' })).toBe(false);
    expect(m({ s: [{ 'anything-but': { suffix: 'ing' } }] }, { s: 'running' })).toBe(false);
    expect(m({ s: [{ 'anything-but': { suffix: 'ing' } }] }, { s: 'stopped' })).toBe(true);
    expect(m({ s: [{ 'anything-but': { 'equals-ignore-case': 'CamelCase' } }] }, { s: 'camelcase' })).toBe(
      false,
    );
    expect(m({ s: [{ 'anything-but': { 'equals-ignore-case': ['x', 'AbC'] } }] }, { s: 'abc' })).toBe(false);
    expect(m({ s: [{ 'anything-but': { 'equals-ignore-case': ['x', 'AbC'] } }] }, { s: 'abd' })).toBe(true);
    expect(m({ s: [{ 'anything-but': { wildcard: '*.png' } }] }, { s: 'a.png' })).toBe(false);
    expect(m({ s: [{ 'anything-but': { wildcard: ['*.png', '*.jpg'] } }] }, { s: 'a.gif' })).toBe(true);
    expect(m({ s: [{ 'anything-but': { prefix: 'x' } }] }, { s: 7 })).toBe(true);
  });

  it('applies to each element of an event array', () => {
    expect(m({ s: [{ 'anything-but': 'a' }] }, { s: ['a', 'b'] })).toBe(true);
    expect(m({ s: [{ 'anything-but': 'a' }] }, { s: ['a'] })).toBe(false);
  });
});

describe('numeric', () => {
  const n = (range: unknown[], value: unknown): boolean => m({ v: [{ numeric: range }] }, { v: value });

  it('supports each comparison', () => {
    expect(n(['=', 5], 5)).toBe(true);
    expect(n(['=', 5], 5.1)).toBe(false);
    expect(n(['<', 5], 4.999999)).toBe(true);
    expect(n(['<', 5], 5)).toBe(false);
    expect(n(['<=', 5], 5)).toBe(true);
    expect(n(['>', 5], 5)).toBe(false);
    expect(n(['>', 5], 5.000001)).toBe(true);
    expect(n(['>=', 5], 5)).toBe(true);
    expect(n(['>=', 5], 4)).toBe(false);
  });

  it('supports two-sided ranges', () => {
    expect(n(['>', 0, '<=', 5], 5)).toBe(true);
    expect(n(['>', 0, '<=', 5], 0)).toBe(false);
    expect(n(['>=', 0, '<', 5], 0)).toBe(true);
    expect(n(['>=', 0, '<', 5], 5)).toBe(false);
    expect(n(['>=', -10.5, '<', -1], -3)).toBe(true);
  });

  it('compares values written with exponents and decimals', () => {
    expect(m(JSON.parse('{"v": [{"numeric": ["=", 3.018e2]}]}'), JSON.parse('{"v": 301.80}'))).toBe(true);
    expect(n(['>=', 1e3], 1000)).toBe(true);
    expect(n(['>=', 99.999, '<=', 100], 100)).toBe(true);
    expect(n(['>=', 100.00001, '<=', 1001], 100)).toBe(false);
  });

  it('does not match strings, booleans or numbers it cannot represent', () => {
    expect(n(['>', 0], '5')).toBe(false);
    expect(n(['>', 0], true)).toBe(false);
    expect(n(['>', 0], 1e12)).toBe(false);
    expect(n(['>', 0], 0.0000001)).toBe(false);
  });

  it('matches any element of an event array', () => {
    expect(n(['>', 10], [1, 2, 30])).toBe(true);
    expect(n(['>', 10], [1, 2, 3])).toBe(false);
  });
});

describe('cidr', () => {
  it('matches IPv4 addresses in the block', () => {
    expect(m({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.255' })).toBe(true);
    expect(m({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.0' })).toBe(false);
    expect(m({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '10.200.3.4' })).toBe(true);
    expect(m({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '255.255.255.255' })).toBe(true);
    expect(m({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: 'not an ip' })).toBe(false);
  });

  it('matches IPv6 addresses in the block, and never across families', () => {
    expect(m({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:ffff::1' })).toBe(true);
    expect(m({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' })).toBe(false);
    expect(m({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '10.0.0.1' })).toBe(false);
    expect(m({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '::1' })).toBe(false);
  });

  it('parses addresses as Java does for event-ruler', () => {
    expect(parseIp('::')).toEqual(new Uint8Array(16));
    expect(parseIp('::ffff:a00:1')).toEqual(Uint8Array.from([10, 0, 0, 1]));
    expect(parseIp('1.2.3.256')).toBeUndefined();
    expect(parseIp('1:2:3:4:5:6:7')).toBeUndefined();
    expect(parseIp('1::2::3')).toBeUndefined();
    expect(parseIp('::1.2.3.4')).toBeUndefined();
  });
});

describe('exists', () => {
  it('tests the presence of a leaf value', () => {
    expect(m({ a: [{ exists: true }] }, { a: 0 })).toBe(true);
    expect(m({ a: [{ exists: true }] }, { a: null })).toBe(true);
    expect(m({ a: [{ exists: true }] }, { b: 1 })).toBe(false);
    expect(m({ a: [{ exists: false }] }, { b: 1 })).toBe(true);
    expect(m({ a: [{ exists: false }] }, { a: null })).toBe(false);
  });

  it('sees objects and empty arrays as absent (only leaves exist)', () => {
    expect(m({ a: [{ exists: false }] }, { a: { b: 1 } })).toBe(true);
    expect(m({ a: [{ exists: false }] }, { a: [] })).toBe(true);
    expect(m({ a: [{ exists: true }] }, { a: [] })).toBe(false);
    expect(m({ a: [{ exists: true }] }, { a: [1] })).toBe(true);
  });

  it('can be combined with values for "this value or absent"', () => {
    expect(m({ a: ['x', { exists: false }] }, {})).toBe(true);
    expect(m({ a: ['x', { exists: false }] }, { a: 'x' })).toBe(true);
    expect(m({ a: ['x', { exists: false }] }, { a: 'y' })).toBe(false);
  });
});

describe('$or', () => {
  it('matches if any alternative matches', () => {
    const p = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPU'] }, { namespace: ['AWS/EC2'] }] };
    expect(m(p, { source: 'aws.cloudwatch', namespace: 'AWS/EC2' })).toBe(true);
    expect(m(p, { source: 'aws.cloudwatch', metricName: 'CPU' })).toBe(true);
    expect(m(p, { source: 'aws.cloudwatch', metricName: 'Disk' })).toBe(false);
    expect(m(p, { source: 'other', metricName: 'CPU' })).toBe(false);
  });

  it('works nested and at any level', () => {
    const p = {
      detail: {
        $or: [{ a: ['1'] }, { b: ['2'], $or: [{ c: ['3'] }, { d: ['4'] }] }],
      },
    };
    expect(m(p, { detail: { a: '1' } })).toBe(true);
    expect(m(p, { detail: { b: '2', d: '4' } })).toBe(true);
    expect(m(p, { detail: { b: '2' } })).toBe(false);
    expect(m(p, { detail: { c: '3' } })).toBe(false);
  });

  it('combines parallel $or groups as AND', () => {
    const p = { $or: [{ a: ['1'] }, { b: ['1'] }], x: { $or: [{ c: ['1'] }, { d: ['1'] }] } };
    expect(m(p, { a: '1', x: { d: '1' } })).toBe(true);
    expect(m(p, { a: '1', x: { e: '1' } })).toBe(false);
  });

  it('keeps each alternative whole: fields are not mixed across alternatives', () => {
    const p = {
      $or: [
        { zoo: ['1'], bar: ['x'] },
        { foo: ['a'], bar: ['y'] },
      ],
    };
    expect(m(p, { foo: 'a', bar: 'x' })).toBe(false);
    expect(m(p, { foo: 'a', bar: 'y' })).toBe(true);
  });

  it('reads "$or" holding an object as an ordinary field name', () => {
    expect(m({ $or: { a: ['1'] } }, { $or: { a: '1' } })).toBe(true);
  });
});

describe('validatePattern', () => {
  const invalid: [string, unknown, RegExp][] = [
    ['a non-object pattern', ['a'], /must be a JSON object/],
    ['a null pattern', null, /must be a JSON object/],
    ['a leaf that is not an array', { a: 'x' }, /"a".*object or an array/],
    ['a numeric leaf', { a: 1 }, /object or an array/],
    ['an empty object', { a: {} }, /empty objects/],
    ['an empty pattern', {}, /empty objects/],
    ['an empty array', { a: [] }, /empty arrays/],
    ['a nested array value', { a: [['x']] }, /match values must be/],
    ['an unknown operator', { a: [{ regexp: 'x' }] }, /unknown operator "regexp"/],
    ['two keys in an expression', { a: [{ prefix: 'x', suffix: 'y' }] }, /exactly one key/],
    ['a non-string prefix', { a: [{ prefix: 1 }] }, /"prefix" must be given a string/],
    ['a bad prefix option', { a: [{ prefix: { wildcard: 'x' } }] }, /unsupported "prefix" operator/],
    ['a non-boolean exists', { a: [{ exists: 'yes' }] }, /"exists" must be true or false/],
    ['consecutive wildcards', { a: [{ wildcard: 'a**' }] }, /consecutive/],
    ['a bad wildcard escape', { a: [{ wildcard: 'a\\b' }] }, /backslash/],
    ['a non-array numeric', { a: [{ numeric: 5 }] }, /must be an array/],
    ['an unknown numeric operator', { a: [{ numeric: ['!=', 5] }] }, /unknown operator "!="/],
    ['a string numeric bound', { a: [{ numeric: ['>', '5'] }] }, /must be a number/],
    ['an inverted numeric range', { a: [{ numeric: ['>', 5, '<', 1] }] }, /less than/],
    ['an empty numeric range', { a: [{ numeric: ['>=', 5, '<=', 5] }] }, /less than/],
    ['a bad upper operator', { a: [{ numeric: ['>', 1, '>', 5] }] }, /bad range operator/],
    ['extra numeric terms', { a: [{ numeric: ['<', 1, '>', 0] }] }, /wrong number/],
    ['= with a range', { a: [{ numeric: ['=', 1, '<', 5] }] }, /wrong number/],
    ['a too precise bound', { a: [{ numeric: ['>', 0.0000001] }] }, /6 decimals/],
    ['an out-of-range bound', { a: [{ numeric: ['<', 1e12] }] }, /5e11/],
    ['a malformed cidr', { a: [{ cidr: '10.0.0.0' }] }, /malformed CIDR/],
    ['a cidr with too many bits', { a: [{ cidr: '10.0.0.0/33' }] }, /malformed CIDR/],
    ['a cidr that is not an address', { a: [{ cidr: 'host/24' }] }, /malformed CIDR/],
    ['mixed anything-but', { a: [{ 'anything-but': ['a', 1] }] }, /all strings or all numbers/],
    ['an empty anything-but list', { a: [{ 'anything-but': [] }] }, /non-empty/],
    ['a null anything-but', { a: [{ 'anything-but': null }] }, /anything-but/],
    ['an unknown anything-but operator', { a: [{ 'anything-but': { numeric: ['>', 1] } }] }, /unsupported/],
    ['an empty anything-but prefix', { a: [{ 'anything-but': { prefix: '' } }] }, /must not be empty/],
    ['a numeric anything-but prefix', { a: [{ 'anything-but': { prefix: 5 } }] }, /string/],
    ['an $or branch with a bad field', { $or: [{ a: ['1'] }, { b: 'x' }] }, /"b"/],
    ['$or with a single branch', { $or: [{ a: ['1'] }] }, /unknown operator "a"/],
  ];

  it.each(invalid)('rejects %s', (_what, pattern, message) => {
    expect(() => validatePattern(pattern)).toThrow(EventPatternError);
    expect(() => validatePattern(pattern)).toThrow(message);
    expect(() => matchesPattern(pattern, { a: 'x' })).toThrow(EventPatternError);
  });

  it('accepts every operator in a valid pattern', () => {
    expect(() =>
      validatePattern({
        a: ['x', 1, true, null, { prefix: 'p' }, { suffix: { 'equals-ignore-case': 'S' } }],
        b: [{ 'anything-but': { wildcard: ['*x', 'y*'] } }, { numeric: ['>', 0, '<', 1] }, { exists: false }],
        c: { d: [{ cidr: '2001:db8::/32' }, { wildcard: 'a\\*\\\\*' }, { equals: 'e' }] },
        $or: [{ e: [{ 'equals-ignore-case': 'E' }] }, { f: [{ 'anything-but': [1, 2] }] }],
      }),
    ).not.toThrow();
  });
});

describe('compilePattern', () => {
  it('compiles once and matches many events', () => {
    const compiled = compilePattern({ detail: { state: ['running'] } });
    expect(compiled.matches({ detail: { state: 'running' } })).toBe(true);
    expect(compiled.matches({ detail: { state: 'stopped' } })).toBe(false);
  });
});

describe('toMicros', () => {
  it('converts numbers to exact millionths within event-ruler limits', () => {
    expect(toMicros(0)).toBe(0n);
    expect(toMicros(301.8)).toBe(301_800_000n);
    expect(toMicros(-0.000001)).toBe(-1n);
    expect(toMicros(5e11)).toBe(500_000_000_000_000_000n);
    expect(toMicros(5e11 + 1)).toBeUndefined();
    expect(toMicros(1e-7)).toBeUndefined();
    expect(toMicros(Number.NaN)).toBeUndefined();
  });
});
