import { CompletionContext } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { type JsonSchema, schemaAt, schemaCompletions } from '../src/pages/division-of-work/codemirror.ts';

/** The shape `/openapi.json` gives the draft (zod's JSON Schema), trimmed to what these tests need. */
const owner: JsonSchema = { type: 'string', enum: ['partner', 'internal'] };
const DRAFT: JsonSchema = {
  type: 'object',
  required: ['name', 'workloads'],
  properties: {
    name: { type: 'string' },
    overflowLimit: { type: 'integer' },
    workloads: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          owner,
          afterHoursOwner: { anyOf: [owner, { type: 'null' }] },
          guardrail: { type: 'boolean', default: false },
          recognise: { $ref: '#/components/schemas/Recognise' },
        },
      },
    },
    people: { type: 'object', properties: { roles: { type: 'object', additionalProperties: owner } } },
  },
};
const COMPONENTS: Record<string, JsonSchema> = {
  Recognise: { type: 'object', properties: { keywords: { type: 'array', items: { type: 'object' } } } },
};

function complete(text: string, explicit = false) {
  const state = EditorState.create({ doc: text });
  const result = schemaCompletions(DRAFT, COMPONENTS)(new CompletionContext(state, text.length, explicit));
  return result ? { from: result.from, labels: result.options.map((o) => o.label) } : null;
}

describe('the schema at a path of the document', () => {
  it('follows properties, sequence items, references, alternatives and records', () => {
    expect(schemaAt(DRAFT, ['workloads', '3', 'owner'], COMPONENTS)?.enum).toEqual(['partner', 'internal']);
    expect(schemaAt(DRAFT, ['workloads', '0', 'afterHoursOwner'], COMPONENTS)?.enum).toEqual([
      'partner',
      'internal',
    ]);
    expect(
      Object.keys(schemaAt(DRAFT, ['workloads', '0', 'recognise'], COMPONENTS)?.properties ?? {}),
    ).toEqual(['keywords']);
    expect(schemaAt(DRAFT, ['people', 'roles', 'it-lead@acme.example'], COMPONENTS)).toBe(owner);
    expect(schemaAt(DRAFT, ['nowhere'], COMPONENTS)).toBeNull();
  });
});

describe('completion in the YAML editor', () => {
  it('offers the keys of the mapping being typed in', () => {
    expect(complete('name: Acme\nover')).toEqual({
      from: 11,
      labels: ['name', 'overflowLimit', 'workloads', 'people'],
    });
    expect(complete('workloads:\n  - id: hardware\n    gua')?.labels).toEqual([
      'id',
      'owner',
      'afterHoursOwner',
      'guardrail',
      'recognise',
    ]);
    expect(complete('workloads:\n  - id: hardware\n    recognise:\n      k')?.labels).toEqual(['keywords']);
  });

  it('offers the values an enum or a boolean allows', () => {
    expect(complete('workloads:\n  - id: hardware\n    owner: pa')).toEqual({
      from: 39,
      labels: ['partner', 'internal'],
    });
    expect(complete('workloads:\n  - guardrail: ')?.labels).toEqual(['true', 'false']);
    expect(complete('name: ')).toBeNull();
  });

  it('waits for a letter unless asked (Ctrl+Space)', () => {
    expect(complete('name: Acme\n')).toBeNull();
    expect(complete('name: Acme\n', true)?.labels).toContain('workloads');
  });
});
