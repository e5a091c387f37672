import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoContext, type SynthesizedBundle, sizeOf, synthBundles } from '@psa/infra/bundle-sizes';
import { type Goal, meetsGoal, record } from './figures.ts';

/** The issue's budgets: minified `index.mjs` and a cold import in a fresh process (median of 10). */
export const BUNDLE_GOALS = {
  event: { bytes: 600 * 1024, importMs: 150 },
  api: { bytes: 1024 * 1024, importMs: 250 },
} as const;
const IMPORT_RUNS = 10;

/**
 * One cold import: a fresh `node` (this one, Node 24 as Lambda's nodejs24.x) with exactly the
 * environment the CDK app gives the function (NODE_OPTIONS included) plus what the Lambda service
 * sets, timing `import()` of the bundle from inside the process (Node's own start-up excluded).
 */
function coldImportMs(bundle: SynthesizedBundle): Promise<number> {
  const url = pathToFileURL(join(bundle.dir, 'index.mjs')).href;
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(url)}); if (typeof m.handler !== 'function') throw new Error('no handler'); process.stdout.write(String(performance.now() - t));`;
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: bundle.functionId,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(bundle.memoryMb),
    ...bundle.environment,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(out);
      if (code !== 0 || !Number.isFinite(ms))
        reject(new Error(`${bundle.functionId}: import failed: ${err}`));
      else resolve(ms);
    });
  });
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const kb = (bytes: number) => Math.round(bytes / 1024);
const ok = (value: number, goal: Goal) => (meetsGoal({ value, goal }) ? 'yes' : 'NO');

/**
 * Every function's bundle as `npm run synth` builds it: size minified and gzipped against its
 * budget, the five packages that weigh most (esbuild metafile), and its cold import.
 */
export async function benchBundles(): Promise<void> {
  await synthBundles(repoContext(), async (bundles) => {
    console.log(
      '\nLambda bundles (minified index.mjs as npm run synth builds it; cold import: median of 10)',
    );
    const header = ['function', 'kind', 'KB', 'gzip KB', 'goal KB', 'ok', 'import ms', 'goal ms', 'ok'];
    const widths = [24, 6, 6, 8, 8, 4, 10, 8, 4];
    const line = (cells: (string | number)[]) =>
      console.log(cells.map((c, i) => String(c).padEnd(widths[i] ?? 0)).join(' '));
    line(header);
    const tops: string[] = [];
    for (const bundle of bundles) {
      const size = sizeOf(bundle);
      const goals = BUNDLE_GOALS[bundle.kind];
      const samples: number[] = [];
      for (let i = 0; i < IMPORT_RUNS; i++) samples.push(await coldImportMs(bundle));
      const importMs = median(samples);
      const sizeGoal = { max: kb(goals.bytes) };
      const importGoal = { max: goals.importMs };
      record(`bundle: ${bundle.functionId} minified`, kb(size.minifiedBytes), 'KB', sizeGoal);
      record(`bundle: ${bundle.functionId} gzipped`, kb(size.gzippedBytes), 'KB');
      record(`cold import: ${bundle.functionId}`, Math.round(importMs), 'ms', importGoal);
      line([
        bundle.functionId,
        bundle.kind,
        kb(size.minifiedBytes),
        kb(size.gzippedBytes),
        sizeGoal.max,
        ok(kb(size.minifiedBytes), sizeGoal),
        Math.round(importMs),
        importGoal.max,
        ok(importMs, importGoal),
      ]);
      tops.push(
        `  ${bundle.functionId.padEnd(24)} ${size.top.map((t) => `${t.input} ${kb(t.bytes)}`).join(', ')}`,
      );
    }
    console.log('top 5 packages per function (KB in the minified bundle):');
    for (const top of tops) console.log(top);
  });
}
