import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseMail } from '@psa/mime/parse';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_ALIASES } from '../src/bundle-aliases.ts';
import { ESM_REQUIRE_BANNER } from '../src/psa-function.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS = join(ROOT, 'test/corpus/mail');

function emlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? emlFiles(join(dir, e.name)) : e.name.endsWith('.eml') ? [join(dir, e.name)] : [],
  );
}

/** The parse result as plain data: what a bundled and an unbundled parser must agree on. */
const plain = (v: unknown) =>
  JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? [...x] : x)));

/**
 * The MIME parser bundled as the Lambda bundles carry it (the CDK's esbuild settings and
 * ./src/bundle-aliases.ts), against the parser as the tests and the local runtime run it.
 */
describe('the MIME parser under the bundle aliases', () => {
  let dir: string;
  let bundled: typeof parseMail;
  let inputs: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'psa-parse-bundle-'));
    const entry = join(dir, 'entry.ts');
    await writeFile(
      entry,
      `export { parseMail } from ${JSON.stringify(join(ROOT, 'packages/mime/src/parse.ts'))};\n`,
    );
    const outfile = join(dir, 'parse.mjs');
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: ROOT,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node24',
      mainFields: ['module', 'main'],
      banner: { js: ESM_REQUIRE_BANNER },
      alias: { ...BUNDLE_ALIASES },
      outfile,
      metafile: true,
      logLevel: 'silent',
    });
    inputs = Object.keys(result.metafile.inputs);
    bundled = ((await import(pathToFileURL(outfile).href)) as { parseMail: typeof parseMail }).parseMail;
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('carries one build of libmime', () => {
    const builds = new Set(
      inputs.filter((i) => i.includes('node_modules/libmime/dist/')).map((i) => i.split('/')[3]),
    );
    expect([...builds]).toEqual(['cjs']);
  });

  it('parses every mail of the corpus as the unbundled parser does', async () => {
    const files = emlFiles(CORPUS);
    expect(files.length).toBeGreaterThan(60);
    for (const file of files) {
      const raw = new Uint8Array(readFileSync(file));
      expect(plain(await bundled(raw)), file).toEqual(plain(await parseMail(raw)));
    }
  }, 120_000);
});
