import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/classifier-eval.ts';

const corpusFile = fileURLToPath(new URL('../../../test/corpus/tickets/topics-train.csv', import.meta.url));

async function run(args: string[]): Promise<{ code: number; lines: string[]; stderr: string }> {
  const lines: string[] = [];
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(args, (line) => lines.push(line));
    return { code, lines, stderr: stderr.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    stderr.mockRestore();
  }
}

describe('classifier-eval', () => {
  let dir = '';
  let trainFile = '';
  let testFile = '';
  let trainRows = 0;
  let testRows = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'classifier-eval-'));
    // Deterministic split: every fourth record is held out. The corpus has no embedded newlines,
    // so records are lines; they are copied verbatim, quoting included.
    const [header, ...records] = (await readFile(corpusFile, 'utf8')).split(/\r?\n/).filter((l) => l !== '');
    const train = records.filter((_, i) => i % 4 !== 3);
    const test = records.filter((_, i) => i % 4 === 3);
    trainRows = train.length;
    testRows = test.length;
    trainFile = join(dir, 'train.csv');
    testFile = join(dir, 'test.csv');
    await writeFile(trainFile, `${[header, ...train].join('\n')}\n`);
    await writeFile(testFile, `${[header, ...test].join('\r\n')}\r\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains on one file, evaluates on the other and prints one JSON line', { timeout: 60_000 }, async () => {
    const { code, lines } = await run(['--train', trainFile, '--test', testFile]);
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(Object.keys(result)).toEqual(['accuracy', 'macroF1', 'train', 'test', 'labels', 'model']);
    expect(result).toMatchObject({ train: trainRows, test: testRows, labels: 8 });
    expect(trainRows + testRows).toBe(2633);
    expect(result.model).toBe('nb-svm+tfidf(word1-2,char2-5)');
    expect(result.accuracy).toBeGreaterThan(0.8);
    expect(result.accuracy).toBeLessThanOrEqual(1);
    expect(result.macroF1).toBeGreaterThan(0.75);
    expect(result.macroF1).toBeLessThanOrEqual(1);
  });

  it('accepts --name=value', { timeout: 30_000 }, async () => {
    const small = join(dir, 'small.csv');
    await writeFile(
      small,
      'label,text\nAccess,password reset\nAccess,locked account\nHardware,broken screen\nHardware,printer jammed\n',
    );
    const { code, lines } = await run([`--train=${small}`, `--test=${small}`]);
    expect(code).toBe(0);
    expect(JSON.parse(lines[0]!)).toMatchObject({ accuracy: 1, macroF1: 1, train: 4, test: 4, labels: 2 });
  });

  it('exits 2 with usage when an argument is missing or unknown', async () => {
    for (const args of [[], ['--train', 'a.csv'], ['--test', 'b.csv'], ['--train'], ['--bogus', 'x']]) {
      const { code, lines, stderr } = await run(args);
      expect(code).toBe(2);
      expect(lines).toEqual([]);
      expect(stderr).toMatch(/usage: psa classifier-eval --train <train.csv> --test <test.csv>/);
    }
  });

  it('exits 1 naming the file and line of a malformed CSV', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'text,label\nfine,Access\n"unterminated,Hardware\n');
    const { code, lines, stderr } = await run(['--train', bad, '--test', testFile]);
    expect(code).toBe(1);
    expect(lines).toEqual([]);
    expect(stderr).toContain(`${bad}: line 3: unterminated quoted field`);
  });

  it('exits 1 naming a file that cannot be read or has no examples', async () => {
    const missing = join(dir, 'missing.csv');
    const missingRun = await run(['--train', trainFile, '--test', missing]);
    expect(missingRun.code).toBe(1);
    expect(missingRun.stderr).toContain(`cannot read ${missing}`);

    const empty = join(dir, 'empty.csv');
    await writeFile(empty, 'text,label\n');
    const emptyRun = await run(['--train', empty, '--test', testFile]);
    expect(emptyRun.code).toBe(1);
    expect(emptyRun.stderr).toContain(`${empty}: no examples`);
  });
});
