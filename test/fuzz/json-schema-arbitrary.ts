import fc from 'fast-check';
import * as z from 'zod';

/**
 * fast-check arbitraries from the contract's zod schemas, through the JSON Schema zod writes for
 * them (`z.toJSONSchema`, as the request side sees it): values of the right shape, mostly valid,
 * which the fuzzer then bends into hostile ones. Covers what the HTTP contract uses: objects,
 * records, arrays, tuples, enums, constants, strings (with patterns and lengths), numbers, booleans,
 * unions, nulls and `$ref`s.
 */

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
};

/** Upper bounds that keep generated values small: size is what the hostile variants vary. */
const MAX_ITEMS = 4;
const MAX_STRING = 40;

export function arbitraryOf(schema: z.ZodType): fc.Arbitrary<unknown> {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return fromJsonSchema(root, root, 0);
}

function resolve(root: JsonSchema, ref: string): JsonSchema {
  const name = ref.replace(/^#\/\$defs\//, '');
  return root.$defs?.[name] ?? {};
}

function stringArb(s: JsonSchema): fc.Arbitrary<string> {
  if (s.pattern) {
    const max = s.maxLength ?? MAX_STRING * 2;
    return fc
      .stringMatching(new RegExp(s.pattern))
      .filter((v) => v.length <= max && v.length >= (s.minLength ?? 0));
  }
  switch (s.format) {
    case 'email':
      return fc.emailAddress();
    case 'date-time':
      return fc
        .date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2030-01-01T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString());
    default: {
      const minLength = s.minLength ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxLength ?? MAX_STRING, MAX_STRING));
      return fc.string({ minLength, maxLength, unit: 'grapheme' });
    }
  }
}

function numberArb(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min =
    s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-9) : -1000);
  const max =
    s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-9) : 1000);
  const lo = Math.max(min, -1e9);
  const hi = Math.min(max, 1e9);
  return integer
    ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) })
    : fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
}

function fromJsonSchema(s: JsonSchema, root: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (s.$ref) return fromJsonSchema(resolve(root, s.$ref), root, depth + 1);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const union = s.anyOf ?? s.oneOf;
  if (union) return fc.oneof(...union.map((u) => fromJsonSchema(u, root, depth + 1)));
  if (s.allOf?.length) return fromJsonSchema(s.allOf[0]!, root, depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (depth > 12) return fc.constant(null);
  switch (type) {
    case 'string':
      return stringArb(s);
    case 'integer':
      return numberArb(s, true);
    case 'number':
      return numberArb(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (s.prefixItems) return fc.tuple(...s.prefixItems.map((i) => fromJsonSchema(i, root, depth + 1)));
      const minLength = s.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxItems ?? MAX_ITEMS, MAX_ITEMS));
      return fc.array(fromJsonSchema(s.items ?? {}, root, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      if (s.properties) {
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, v] of Object.entries(s.properties)) record[k] = fromJsonSchema(v, root, depth + 1);
        return fc.record(record, { requiredKeys: (s.required ?? []).filter((k) => k in record) });
      }
      if (typeof s.additionalProperties === 'object') {
        const keys = s.propertyNames ? stringArb(s.propertyNames) : fc.string({ maxLength: 12 });
        return fc.dictionary(keys, fromJsonSchema(s.additionalProperties, root, depth + 1), {
          maxKeys: MAX_ITEMS,
        });
      }
      return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: MAX_ITEMS,
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
