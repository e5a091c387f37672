import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figures, jsonTarget, meetsGoal, record, writeFigures } from '../src/bench/figures.ts';
import { unitOf } from '../src/bench/stats.ts';

describe('figures', () => {
  it('are written as JSON with their units, goals and whether each goal is met', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'psa-figures-'));
    try {
      record('test: size', 500, 'KB', { max: 600 });
      record('test: rate', 10, '1/s', { min: 60 });
      record('test: plain', 3, 'count');
      const file = await writeFigures(join(dir, 'results.json'), { node: process.version });
      const out = JSON.parse(await readFile(file, 'utf8'));
      expect(out.run).toEqual({ node: process.version });
      const byName = Object.fromEntries(out.figures.map((f: { name: string }) => [f.name, f]));
      expect(byName['test: size']).toEqual({
        name: 'test: size',
        value: 500,
        unit: 'KB',
        goal: { max: 600 },
        met: true,
      });
      expect(byName['test: rate']).toMatchObject({ met: false });
      expect(byName['test: plain']).toEqual({ name: 'test: plain', value: 3, unit: 'count' });
      expect(figures().length).toBeGreaterThanOrEqual(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads --json from the command line in either spelling', () => {
    expect(jsonTarget(['--json', 'results.json'])).toBe('results.json');
    expect(jsonTarget(['--json=out.json'])).toBe('out.json');
    expect(jsonTarget([])).toBeUndefined();
    expect(meetsGoal({ value: 1 })).toBeUndefined();
  });
});

describe('report()', () => {
  it("names each number's unit by its key", () => {
    expect(['p99ms', 'acceptedPerSec', 'gzipKB', 'tickets'].map(unitOf)).toEqual([
      'ms',
      '1/s',
      'KB',
      'count',
    ]);
  });
});
