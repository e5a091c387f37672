import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every workspace's package.json tells the truth about its code: it says `"sideEffects": false`,
 * each `exports` entry names a file that exists, every package a file imports is declared (runtime code: in `dependencies`, so a
 * bundle or an install never misses it; tests and tools: in either list), every `@psa/*` subpath it
 * imports is one the target package exports, and no relative import reaches into another
 * workspace. Imports are read with TypeScript's own pre-processor, dynamic `import()` included.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Manifest {
  name: string;
  sideEffects?: boolean;
  exports?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  workspaces?: string[];
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
const rootManifest = readManifest(ROOT);
const workspaces = (rootManifest.workspaces ?? []).map((w) => ({
  dir: join(ROOT, w),
  manifest: readManifest(join(ROOT, w)),
}));
const byName = new Map(workspaces.map((w) => [w.manifest.name, w]));
const builtins = new Set(builtinModules);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'cdk.out' || entry === 'corpus' || entry.startsWith('.'))
      continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|js|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** `@scope/name/sub/path` -> `@scope/name`; `name/sub` -> `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Runtime code: what a Lambda bundle, the CDK app or the local runtime loads. Tests and tools may use devDependencies. */
function isRuntimeCode(workspaceDir: string, file: string): boolean {
  const [top] = relative(workspaceDir, file).split(sep);
  return workspaceDir !== join(ROOT, 'test') && (top === 'src' || top === 'bin');
}

function problemsOf(workspace: { dir: string; manifest: Manifest }): string[] {
  const { dir, manifest } = workspace;
  const problems: string[] = [];
  // So a bundler may drop whatever a handler does not use (the test workspace is never bundled).
  if (dir !== join(ROOT, 'test') && manifest.sideEffects !== false)
    problems.push('"sideEffects": false is missing');
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (!existsSync(join(dir, target))) problems.push(`exports["${subpath}"] -> ${target}: no such file`);
  }
  const runtime = new Set(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }));
  const any = new Set([
    ...runtime,
    ...Object.keys({ ...manifest.devDependencies, ...rootManifest.devDependencies }),
  ]);
  for (const file of sourceFiles(dir)) {
    const where = relative(ROOT, file);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      let packageSpecifier = specifier;
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        const installed = relative(join(ROOT, 'node_modules'), target);
        // A package's file reached by path (a bundler alias's target must not name the package
        // it replaces): still a package import, held to the same rules.
        if (!installed.startsWith('..')) packageSpecifier = installed.split(sep).join('/');
        else {
          if (relative(dir, target).startsWith('..'))
            problems.push(`${where}: ${specifier} reaches outside ${manifest.name}`);
          continue;
        }
      }
      if (specifier.startsWith('node:') || builtins.has(specifier) || specifier.startsWith('#')) continue;
      const name = packageName(packageSpecifier);
      if (name === manifest.name) {
        problems.push(`${where}: imports its own package ${specifier}; use a relative path`);
        continue;
      }
      const declared = isRuntimeCode(dir, file) ? runtime : any;
      if (!declared.has(name)) {
        const list = isRuntimeCode(dir, file) ? 'dependencies' : 'dependencies or devDependencies';
        problems.push(`${where}: imports ${specifier}, but ${name} is not in ${manifest.name}'s ${list}`);
      }
      const target = byName.get(name);
      if (target) {
        const subpath = `.${packageSpecifier.slice(name.length)}` || '.';
        if (!(subpath in (target.manifest.exports ?? {})))
          problems.push(`${where}: imports ${specifier}, which ${name} does not export`);
      }
    }
  }
  return problems;
}

describe('workspace manifests', () => {
  it.each(workspaces.map((w) => [w.manifest.name, w] as const))(
    '%s declares what its code imports',
    (_, workspace) => {
      expect(problemsOf(workspace)).toEqual([]);
    },
  );

  it('checks something: every workspace has files and the root lists them all', () => {
    expect(workspaces.length).toBeGreaterThanOrEqual(10);
    for (const w of workspaces) expect(sourceFiles(w.dir).length, w.manifest.name).toBeGreaterThan(0);
  });
});
