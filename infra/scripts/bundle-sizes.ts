/**
 * `npm run -s bundle-sizes`: bundles every function as `cdk synth` does (esbuild, minified) into a
 * temporary folder, prints each bundle's size minified and gzipped and the five packages that
 * weigh most in it (from esbuild's metafile), then removes the folder.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { addPsaStacks } from '../src/psa-app.ts';

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

export interface BundleSize {
  functionId: string;
  minifiedBytes: number;
  gzippedBytes: number;
  /** Heaviest contributors, by npm package or workspace folder, bytes in the minified output. */
  top: { input: string; bytes: number }[];
  /** The AWS SDK clients and mail libraries in the bundle: what a function's imports pulled in. */
  clients: string[];
}

/** `node_modules/@aws-sdk/client-s3/dist-es/x.js` -> `@aws-sdk/client-s3`; `packages/aws/src/x.ts` -> `packages/aws`. */
export function packageOf(input: string): string {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0) {
    const name = parts[at + 1] ?? input;
    return name.startsWith('@') ? `${name}/${parts[at + 2]}` : name;
  }
  const workspace = parts.findIndex((p) => p === 'packages' || p === 'services');
  return workspace >= 0 ? parts.slice(workspace, workspace + 2).join('/') : input;
}

export function measureBundles(repoContext: Record<string, unknown>): BundleSize[] {
  const outdir = mkdtempSync(join(tmpdir(), 'psa-bundle-sizes-'));
  try {
    const app = new App({ outdir, context: { ...repoContext, bundleMetafile: true } });
    const { services } = addPsaStacks(app);
    const assembly = app.synth();
    const template = assembly.getStackByName(services.stackName).template as {
      Resources: Record<string, { Properties: { Code?: { S3Key?: string } } }>;
    };
    const sizes: BundleSize[] = [];
    for (const service of services.services.values()) {
      for (const [functionId, fn] of service.functions) {
        const logicalId = Stack.of(fn).getLogicalId(fn.function.node.defaultChild as CfnElement);
        const key = template.Resources[logicalId]?.Properties.Code?.S3Key;
        if (!key) throw new Error(`no asset for ${functionId}`);
        const dir = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
        const code = readFileSync(join(dir, 'index.mjs'));
        const meta = JSON.parse(readFileSync(join(dir, 'index.meta.json'), 'utf8')) as Metafile;
        const byPackage = new Map<string, number>();
        for (const output of Object.values(meta.outputs)) {
          for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
            const name = packageOf(input);
            byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
          }
        }
        sizes.push({
          functionId,
          minifiedBytes: statSync(join(dir, 'index.mjs')).size,
          gzippedBytes: gzipSync(code).length,
          top: [...byPackage]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 5)
            .map(([input, bytes]) => ({ input, bytes })),
          clients: [...byPackage.keys()]
            .filter((name) => /^@aws-sdk\/(client|lib)-|^nodemailer$/.test(name))
            .map((name) => name.replace(/^@aws-sdk\//, ''))
            .sort(),
        });
      }
    }
    return sizes;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => (bytes / 1024).toFixed(0);

if (import.meta.main) {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const sizes = measureBundles(cdkJson.context);
  console.log(
    '| function | minified KB | gzipped KB | top 5 inputs (KB in the bundle) | SDK clients, mailers |',
  );
  console.log('|---|---:|---:|---|---|');
  for (const s of sizes) {
    const top = s.top.map((t) => `${t.input} ${kb(t.bytes)}`).join(', ');
    const row = [s.functionId, kb(s.minifiedBytes), kb(s.gzippedBytes), top, s.clients.join(', ')];
    console.log(`| ${row.join(' | ')} |`);
  }
}
