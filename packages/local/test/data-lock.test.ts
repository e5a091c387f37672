import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFolderInUseError, LOCK_FILE, lockDataFolder } from '../src/data-lock.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psa-lock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The pid of a process that existed and is gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

describe('the data folder lock', () => {
  it('names its holder, and refuses a second runtime while the holder lives', () => {
    const lock = lockDataFolder(dir);
    try {
      let refused: unknown;
      try {
        lockDataFolder(dir, process.pid + 1);
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(DataFolderInUseError);
      expect((refused as DataFolderInUseError).pid).toBe(process.pid);
      expect((refused as Error).message).toMatch(
        new RegExp(`data folder .* is in use by another local runtime \\(pid ${process.pid}`),
      );
    } finally {
      lock.release();
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    const gone = await deadPid();
    await writeFile(
      join(dir, LOCK_FILE),
      `${JSON.stringify({ pid: gone, startedAt: '2026-11-03T10:00:00Z' })}\n`,
    );
    const lock = lockDataFolder(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('takes over an unreadable lock file', async () => {
    await writeFile(join(dir, LOCK_FILE), '');
    const lock = lockDataFolder(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('frees the folder on release, for the next runtime', () => {
    lockDataFolder(dir).release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = lockDataFolder(dir, process.pid);
    again.release();
  });
});
