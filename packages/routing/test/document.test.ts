import { readFileSync } from 'node:fs';
import { type DivisionOfWorkInput, DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { describe, expect, it } from 'vitest';
import { parseDocumentText, unknownFields } from '../src/document.ts';
import { describeChanges } from '../src/dow-changes.ts';

/** The shipped default with changes applied (tenant acme). */
function defaultWith(change: (doc: DivisionOfWorkInput) => void): DivisionOfWorkInput {
  const doc = defaultDivisionOfWork();
  change(doc);
  return doc;
}
const workload = (doc: DivisionOfWorkInput, id: string) => doc.workloads.find((w) => w.id === id)!;

const EXAMPLE = new URL('../../../docs/division-of-work.example.yaml', import.meta.url);

describe('docs/division-of-work.example.yaml', () => {
  const parsed = parseDocumentText(readFileSync(EXAMPLE, 'utf8'), 'yaml') as Record<string, unknown>;

  it('is a valid division of work as the API reads it', () => {
    expect(() => DivisionOfWorkSchema.parse(parsed)).not.toThrow();
  });

  it('has no field the schema does not know', () => {
    expect(unknownFields(DivisionOfWorkSchema, parsed)).toEqual([]);
  });
});

describe('the change summary of a new version', () => {
  const parse = (doc: unknown) => DivisionOfWorkSchema.parse(doc);
  const base = parse(defaultDivisionOfWork());

  it('is empty when nothing but the bookkeeping (version, effectiveFrom) differs', () => {
    expect(
      describeChanges(
        base,
        parse({ ...defaultDivisionOfWork(), version: 2, effectiveFrom: '2026-07-01T00:00:00Z' }),
      ),
    ).toEqual([]);
  });

  it('names workloads by id, terms by term, and other fields by path', () => {
    const after = parse(
      defaultWith((d) => {
        const hardware = workload(d, 'hardware');
        hardware.handleMinutes = 50;
        hardware.recognise.keywords = [
          ...(hardware.recognise.keywords ?? []).filter((k) => k.term !== 'pc'),
          { term: 'tablet', weight: 2 },
        ].map((k) => (k.term === 'laptop' ? { ...k, weight: 4 } : k));
        d.workloads = d.workloads.filter((w) => w.id !== 'general-request');
        d.workloads.push({
          id: 'printing',
          description: 'Print queues',
          owner: 'partner',
          defaultPriority: 'P3',
          handleMinutes: 20,
          recognise: { keywords: [{ term: 'print queue', weight: 3 }], phrases: [] },
        });
        d.internalCalendar.hours.fri = [['08:00', '15:00']];
        d.supportAddresses = ['support@acme.example', 'help@acme.example'];
      }),
    );
    expect(describeChanges(base, after)).toEqual([
      "supportAddresses: added 'help@acme.example'",
      'internalCalendar.hours.fri: [["08:00","17:00"]] → [["08:00","15:00"]]',
      "workload 'hardware' handleMinutes: 45 → 50",
      "workload 'hardware' recognise.keywords.laptop: 3 → 4",
      "workload 'hardware' recognise.keywords.pc: 1 → unset",
      "workload 'hardware' recognise.keywords.tablet: unset → 2",
      "added workload 'printing' (partner, P3, 20 min)",
      "removed workload 'general-request'",
    ]);
  });

  it('notices a reordering, which changes who wins a recognition tie', () => {
    const after = parse(defaultWith((d) => void d.workloads.reverse()));
    expect(describeChanges(base, after)).toEqual([
      'workload order changed (on a recognition tie the earlier workload wins)',
    ]);
  });
});
