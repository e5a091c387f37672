import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Another running process holds the data folder. */
export class DataFolderInUseError extends Error {
  readonly pid: number;
  constructor(dataDir: string, pid: number, since: string | undefined) {
    super(
      `the data folder ${dataDir} is in use by another local runtime (pid ${pid}${since ? `, started ${since}` : ''}); ` +
        'stop that one (Ctrl-C) or start this one with another PSA_DATA_DIR',
    );
    this.name = 'DataFolderInUseError';
    this.pid = pid;
  }
}

interface LockContent {
  pid: number;
  startedAt?: string;
}

export const LOCK_FILE = 'runtime.lock';

/**
 * Takes the data folder for this process: `runtime.lock` names the holder's pid. The lock file
 * appears with its content at once (written aside, then hard-linked into place, which fails if
 * the name exists), so a second runtime either gets the lock or reads who has it. A lock whose
 * process is gone (a SIGKILL, a power cut) is stale and taken over.
 *
 * @throws DataFolderInUseError when a live process holds the folder.
 */
export function lockDataFolder(dataDir: string, pid: number = process.pid): { release: () => void } {
  const lockFile = join(dataDir, LOCK_FILE);
  const content: LockContent = { pid, startedAt: new Date().toISOString() };
  const aside = `${lockFile}.${pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify(content)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(aside, lockFile);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      }
      const holder = readHolder(lockFile);
      if (holder && (holder.pid === pid || isAlive(holder.pid)))
        throw new DataFolderInUseError(dataDir, holder.pid, holder.startedAt);
      takeOverStale(dataDir, lockFile, holder);
    }
  } finally {
    unlinkSync(aside);
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      if (readHolder(lockFile)?.pid === pid) unlinkSync(lockFile);
    },
  };
}

function readHolder(lockFile: string): LockContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(lockFile, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? (parsed as LockContent) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this id exists (signal 0 checks without sending anything). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves the stale lock out of the way, then checks that what was moved is the stale one: if
 * another starter took the folder in between, its lock is put back and this one loses the race.
 */
function takeOverStale(dataDir: string, lockFile: string, stale: LockContent | undefined): void {
  const moved = `${lockFile}.stale.${process.pid}`;
  try {
    renameSync(lockFile, moved);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const was = readHolder(moved);
  if (was && stale && was.pid !== stale.pid) {
    try {
      linkSync(moved, lockFile);
    } finally {
      unlinkSync(moved);
    }
    throw new DataFolderInUseError(dataDir, was.pid, was.startedAt);
  }
  unlinkSync(moved);
}
