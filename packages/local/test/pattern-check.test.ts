import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/pattern-check.ts';

const corpusFile = fileURLToPath(new URL('../../../test/corpus/eventpattern/cases.json', import.meta.url));

async function run(args: string[]): Promise<{ code: number; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const code = await main(args, (line) => lines.push(JSON.parse(line)));
  return { code, lines };
}

describe('pattern-check', () => {
  const dir = mkdtemp(join(tmpdir(), 'pattern-check-'));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));

  it('prints, for every corpus case, the expected match', async () => {
    const corpus = JSON.parse(await readFile(corpusFile, 'utf8'));
    const { code, lines } = await run([corpusFile]);
    expect(code).toBe(0);
    expect(lines).toEqual(
      corpus.cases.map((c: { id: string; expected_match: boolean }) => ({
        id: c.id,
        actual: c.expected_match,
      })),
    );
  });

  it('reports an invalid pattern as an error line and goes on', async () => {
    const file = join(await dir, 'cases.json');
    const cases = [
      { id: 'bad', pattern: { a: 'not-an-array' }, event: { a: 'x' } },
      { id: 'good', pattern: { a: ['x'] }, event: { a: 'x' } },
    ];
    await writeFile(file, JSON.stringify({ cases }));
    const { code, lines } = await run([file]);
    expect(code).toBe(0);
    expect(lines).toEqual([
      { id: 'bad', actual: false, error: expect.stringContaining('"a"') },
      { id: 'good', actual: true },
    ]);
  });

  it('exits 2 with usage when no file is given', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect((await run([])).code).toBe(2);
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/usage/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('exits 1 when the file cannot be read', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect((await run([join(await dir, 'missing.json')])).code).toBe(1);
    } finally {
      stderr.mockRestore();
    }
  });
});
