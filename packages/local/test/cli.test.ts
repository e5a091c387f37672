import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'packages/local/src/cli.ts');

describe('psa', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'psa-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits quietly when the reader of its output goes away (psa pattern-check ... | head)', async () => {
    // Far more output than a pipe buffers, so the CLI is still writing when the reader leaves.
    const cases = Array.from({ length: 20_000 }, (_, i) => ({
      id: `c${i}`,
      pattern: { a: ['x'] },
      event: { a: 'x' },
    }));
    const file = join(dir, 'cases.json');
    await writeFile(file, JSON.stringify({ cases }));
    const child = spawn(join(root, 'node_modules/.bin/node'), [cli, 'pattern-check', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let firstLine = '';
    child.stdout.once('data', (d: Buffer) => {
      firstLine = d.toString().split('\n')[0]!;
      child.stdout.destroy(); // what `head -1` does once it has its line
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(JSON.parse(firstLine)).toEqual({ id: 'c0', actual: true });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
