/**
 * `npm run -s bundle-sizes`: bundles every function as `cdk synth` does (esbuild, minified) into a
 * temporary folder, prints each bundle's size minified and gzipped and the five packages that
 * weigh most in it (from esbuild's metafile), then removes the folder. `npm run bench` measures
 * the same bundles (and their cold imports) through {@link synthBundles}.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HTTP_ROUTES } from '@psa/contracts/wiring';
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

/** One function's bundle as `cdk synth` wrote it, with what the CDK app configures for it. */
export interface SynthesizedBundle {
  functionId: string;
  /** Serves HTTP API routes (the API budget), or is invoked by events and schedules. */
  kind: 'api' | 'event';
  /** The folder holding `index.mjs` (and `index.meta.json`). */
  dir: string;
  memoryMb: number;
  /**
   * The environment the template gives it; CloudFormation references (names and URLs only known
   * at deploy time) stand in as plausible values.
   */
  environment: Record<string, string>;
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

const API_FUNCTIONS = new Set<string>(HTTP_ROUTES.map((route) => route.functionId));

/** A deploy-time reference's stand-in: names and queue URLs as AWS would give them. */
function standIn(name: string): string {
  return name.endsWith('_URL')
    ? `https://sqs.us-east-1.amazonaws.com/123456789012/${name.toLowerCase()}`
    : `psa-bench-${name.toLowerCase()}`;
}

/**
 * Synthesizes the app into a temporary folder (bundling every function with its metafile) and
 * hands each function's bundle to `use`; the folder is removed afterwards.
 */
export async function synthBundles<T>(
  repoContext: Record<string, unknown>,
  use: (bundles: SynthesizedBundle[]) => T | Promise<T>,
): Promise<T> {
  const outdir = mkdtempSync(join(tmpdir(), 'psa-bundle-sizes-'));
  try {
    const app = new App({ outdir, context: { ...repoContext, bundleMetafile: true } });
    const { services } = addPsaStacks(app);
    const assembly = app.synth();
    const template = assembly.getStackByName(services.stackName).template as {
      Resources: Record<
        string,
        {
          Properties: {
            Code?: { S3Key?: string };
            MemorySize?: number;
            Environment?: { Variables?: Record<string, unknown> };
          };
        }
      >;
    };
    const bundles: SynthesizedBundle[] = [];
    for (const service of services.services.values()) {
      for (const [functionId, fn] of service.functions) {
        const logicalId = Stack.of(fn).getLogicalId(fn.function.node.defaultChild as CfnElement);
        const props = template.Resources[logicalId]?.Properties;
        const key = props?.Code?.S3Key;
        if (!key) throw new Error(`no asset for ${functionId}`);
        const environment: Record<string, string> = {};
        for (const [name, value] of Object.entries(props.Environment?.Variables ?? {})) {
          environment[name] = typeof value === 'string' ? value : standIn(name);
        }
        bundles.push({
          functionId,
          kind: API_FUNCTIONS.has(functionId) ? 'api' : 'event',
          dir: join(outdir, `asset.${key.replace(/\.zip$/, '')}`),
          memoryMb: props.MemorySize ?? 128,
          environment,
        });
      }
    }
    return await use(bundles);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Size, gzipped size and heaviest packages of one synthesized bundle (from its metafile). */
export function sizeOf(bundle: SynthesizedBundle): BundleSize {
  const code = readFileSync(join(bundle.dir, 'index.mjs'));
  const meta = JSON.parse(readFileSync(join(bundle.dir, 'index.meta.json'), 'utf8')) as Metafile;
  const byPackage = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return {
    functionId: bundle.functionId,
    minifiedBytes: statSync(join(bundle.dir, 'index.mjs')).size,
    gzippedBytes: gzipSync(code).length,
    top: [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([input, bytes]) => ({ input, bytes })),
    clients: [...byPackage.keys()]
      .filter((name) => /^@aws-sdk\/(client|lib)-|^nodemailer$/.test(name))
      .map((name) => name.replace(/^@aws-sdk\//, ''))
      .sort(),
  };
}

export function measureBundles(repoContext: Record<string, unknown>): Promise<BundleSize[]> {
  return synthBundles(repoContext, (bundles) => bundles.map(sizeOf));
}

/** The repository's CDK context (cdk.json), as `npm run synth` uses it. */
export function repoContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

const kb = (bytes: number) => (bytes / 1024).toFixed(0);

if (import.meta.main) {
  const sizes = await measureBundles(repoContext());
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
