import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type CalendarCaseFile, expectedOf } from '../src/calendar-cases.ts';
import { main } from '../src/cli/calendar-check.ts';

const corpusUrl = new URL('../../../test/corpus/sla/cases.json', import.meta.url);
const corpus = JSON.parse(readFileSync(corpusUrl, 'utf8')) as CalendarCaseFile;

describe('calendar-check CLI', () => {
  const lines: string[] = [];
  let code: number;

  beforeAll(async () => {
    code = await main([fileURLToPath(corpusUrl)], (l) => lines.push(l));
  });

  it('exits 0 and prints one line per case, in order', () => {
    expect(code).toBe(0);
    expect(lines).toHaveLength(corpus.cases.length);
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(corpus.cases.map((c) => c.id));
  });

  for (const [i, c] of corpus.cases.entries()) {
    it(c.id, () => {
      const line = JSON.parse(lines[i] ?? '{}') as { id: string; actual: unknown; error?: string };
      expect(line.error).toBeUndefined();
      expect(line.actual).toBe(expectedOf(c)?.value);
    });
  }

  it('exits 2 with usage on stderr when no file is given', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const out: string[] = [];
      expect(await main([], (l) => out.push(l))).toBe(2);
      expect(out).toEqual([]);
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/usage/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('reports a failing case as actual null with the error, and goes on', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'calendar-check-'));
    try {
      const file = join(tmp, 'cases.json');
      writeFileSync(
        file,
        JSON.stringify({
          cases: [
            {
              id: 'bad-zone',
              kind: 'add',
              calendar: { timezone: 'Mars/Olympus', hours: {} },
              start: '2024-01-01T00:00:00Z',
              duration_minutes: 1,
              expected: '2024-01-01T00:01:00Z',
            },
            {
              id: 'ok',
              kind: 'add',
              calendar: { timezone: 'UTC', hours: { mon: [['09:00', '17:00']] } },
              start: '2024-01-01T10:00:00Z',
              duration_minutes: 30,
              expected: '2024-01-01T10:30:00Z',
            },
          ],
        }),
      );
      const out: string[] = [];
      expect(await main([file], (l) => out.push(l))).toBe(0);
      const [bad, ok] = out.map((l) => JSON.parse(l));
      expect(bad).toMatchObject({ id: 'bad-zone', actual: null });
      expect(bad.error).toMatch(/Mars\/Olympus/);
      expect(ok).toEqual({ id: 'ok', actual: '2024-01-01T10:30:00Z' });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
