import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builds the web app (`vite build` into web/dist) when its sources are newer than the last build,
 * so `npm start` and `npm test` (their pre-scripts call this) serve and test what is checked out
 * without a separate build step. `--force` builds regardless.
 */
const WEB = import.meta.dirname;
const STAMP = join(WEB, 'dist', 'index.html');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

export function webBuildIsStale(): boolean {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.some((s) => newest(join(WEB, s)) > built);
}

export function buildWeb(): void {
  const vite = join(WEB, '..', 'node_modules', 'vite', 'bin', 'vite.js');
  // Always the production build, whoever calls (vitest sets NODE_ENV=test, which would make
  // Preact's JSX the development variant and the measured page weights wrong).
  const result = spawnSync(process.execPath, [vite, 'build', '--mode', 'production'], {
    cwd: WEB,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status})`);
}

if (import.meta.main) {
  if (process.argv.includes('--force') || webBuildIsStale()) {
    const t0 = performance.now();
    buildWeb();
    console.error(`web app built into web/dist in ${Math.round(performance.now() - t0)} ms`);
  }
}
