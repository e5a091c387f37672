import { describe, expect, it } from 'vitest';
import { diffLines, hunks } from '../src/pages/division-of-work/diff.ts';
import { lineOf, parentPathAt, scanYaml, topLevelSection } from '../src/pages/division-of-work/yaml-paths.ts';

/** A division of work as the API writes it (block style, sequences indented under their key). */
const DOC = `tenantId: acme
name: Acme Corp
version: 3
supportAddresses:
  - support@acme.example
workloads:
  - id: password-reset
    description: |
      Forgotten passwords.
      owner: not a key, inside a block scalar
    owner: partner
    recognise:
      keywords:
        - term: password
          weight: 3
        - term: unlock
          weight: 3
      phrases: []
  - id: hardware
    description: Laptop, desktop
    owner: internal
    recognise:
      keywords: [{ term: laptop, weight: 3 }]
"quoted key": 1
emailIntake:
  maxAttachmentBytes: 10485760
  alertRules:
    - id: monitoring-tools
people:
  roles: {}
`;

describe('where a path of the document is in its YAML', () => {
  const info = scanYaml(DOC);
  it.each([
    ['name', 1],
    ['supportAddresses.0', 4],
    ['workloads.0.owner', 10],
    ['workloads.0.recognise.keywords.1.term', 15],
    ['workloads.1.owner', 20],
    ['quoted key', 23],
    ['emailIntake.alertRules.0.id', 27],
  ])('finds %s on line %i (0-based)', (path, line) => {
    expect(lineOf(info, path)).toBe(line);
  });

  it('names a path inside a flow collection by its nearest key, and an unknown path by its nearest ancestor', () => {
    expect(lineOf(info, 'workloads.1.recognise.keywords.0.weight')).toBe(22);
    expect(lineOf(info, 'workloads.1.afterHoursOwner')).toBe(18);
    expect(lineOf(info, 'nowhere.at.all')).toBeNull();
  });

  it('skips the lines of a block scalar, even when they look like keys', () => {
    expect(info.pathOfLine.has(9)).toBe(false);
  });

  it('reads sequences written at the same indent as their key', () => {
    const flat = scanYaml('workloads:\n- id: a\n  owner: partner\n- id: b\n  owner: internal\n');
    expect(lineOf(flat, 'workloads.1.owner')).toBe(4);
  });
});

describe('the mapping a key typed at the cursor belongs to', () => {
  it('is the enclosing sequence item or mapping, by indentation', () => {
    const lines = DOC.split('\n');
    // A new key under hardware's recognise, and one in hardware itself.
    const text = [...lines.slice(0, 22), '      ', ...lines.slice(22)].join('\n');
    expect(parentPathAt(text, 22, 6)).toEqual(['workloads', '1', 'recognise']);
    expect(parentPathAt(text, 22, 4)).toEqual(['workloads', '1']);
    expect(parentPathAt(text, 22, 0)).toEqual([]);
  });

  it('is a new item of a sequence after a dash', () => {
    const text = 'workloads:\n  - id: a\n    owner: partner\n  - ';
    expect(parentPathAt(text, 3, 4)).toEqual(['workloads', '1']);
  });
});

describe('a top-level section as YAML', () => {
  it('takes the key and everything indented under it', () => {
    expect(topLevelSection(DOC, 'emailIntake')).toBe(
      'emailIntake:\n  maxAttachmentBytes: 10485760\n  alertRules:\n    - id: monitoring-tools',
    );
    expect(topLevelSection(DOC, 'targets')).toBeNull();
  });
});

describe('a line diff of two versions', () => {
  it('keeps common lines, and shows a changed line as removed then added', () => {
    const lines = diffLines('a\nb\nowner: internal\nc\nd', 'a\nb\nowner: partner\nc\nd\ne');
    expect(lines.filter((l) => l.kind !== 'same')).toEqual([
      { kind: 'removed', text: 'owner: internal', oldLine: 3, newLine: null },
      { kind: 'added', text: 'owner: partner', oldLine: null, newLine: 3 },
      { kind: 'added', text: 'e', oldLine: null, newLine: 6 },
    ]);
    expect(lines.filter((l) => l.kind === 'same').map((l) => [l.oldLine, l.newLine])).toEqual([
      [1, 1],
      [2, 2],
      [4, 4],
      [5, 5],
    ]);
  });

  it('groups changes into hunks with context, and finds none between equal texts', () => {
    const old = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const changed = old.map((l, i) => (i === 2 || i === 25 ? `${l} changed` : l));
    const shown = hunks(diffLines(old.join('\n'), changed.join('\n')), 2);
    expect(shown).toHaveLength(2);
    expect(shown[0]!.map((l) => l.oldLine ?? l.newLine)).toEqual([1, 2, 3, 3, 4, 5]);
    expect(hunks(diffLines('same\ntext', 'same\ntext'))).toEqual([]);
  });
});
