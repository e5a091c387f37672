import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layout rules a newcomer relies on, checked on the source itself: every service has the same
 * skeleton, domain code never reaches storage, modules import each other without cycles, and a
 * long source file says why it is long.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
const workspaceDirs = rootManifest.workspaces.map((w) => join(ROOT, w));
const services = rootManifest.workspaces.filter((w) => w.startsWith('services/'));

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'cdk.out' || entry === 'corpus' || entry === 'dist') continue;
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else if (/\.tsx?$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const importsOf = (file: string): string[] =>
  ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);

/** Workspace name -> its folder, so `@psa/x/sub` resolves to a file through its exports map. */
const workspaces = new Map(
  workspaceDirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      exports?: Record<string, string>;
    };
    return [manifest.name, { dir, exports: manifest.exports ?? {} }];
  }),
);

function resolveImport(from: string, specifier: string): string | null {
  if (specifier.startsWith('.')) {
    const path = resolve(dirname(from), specifier);
    return existsSync(path) ? path : null;
  }
  const match = /^(@psa\/[^/]+)(\/.*)?$/.exec(specifier);
  if (!match) return null;
  const target = workspaces.get(match[1]!);
  const entry = target?.exports[`.${match[2] ?? ''}`];
  return target && entry ? join(target.dir, entry) : null;
}

const runtimeSources = workspaceDirs.flatMap((dir) => filesUnder(join(dir, 'src')));

describe('the repository layout', () => {
  it.each(services)(
    '%s has the service skeleton: config, composition, handlers, domain, tests',
    (service) => {
      const dir = join(ROOT, service);
      const missing = ['src/config.ts', 'src/composition.ts', 'src/handlers', 'src/domain', 'test'].filter(
        (part) => !existsSync(join(dir, part)),
      );
      expect(missing).toEqual([]);
    },
  );

  it('keeps storage out of the domain: no domain file imports an AWS adapter, an SDK or the table keys', () => {
    const offenders = services.flatMap((service) =>
      filesUnder(join(ROOT, service, 'src/domain')).flatMap((file) =>
        importsOf(file)
          .filter((s) => s.startsWith('@psa/aws') || s.startsWith('@aws-sdk/'))
          .map((s) => `${relative(ROOT, file)} imports ${s}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('has no import cycle between source modules', () => {
    const graph = new Map<string, string[]>();
    for (const file of runtimeSources) {
      graph.set(
        file,
        importsOf(file)
          .map((s) => resolveImport(file, s))
          .filter((p): p is string => typeof p === 'string' && p.includes('/src/')),
      );
    }
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'visiting');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'visiting') {
          cycles.push(
            stack
              .slice(stack.indexOf(next))
              .concat(next)
              .map((f) => relative(ROOT, f))
              .join(' -> '),
          );
        } else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('keeps source files under 400 lines, or says in the header why one is longer', () => {
    const long = runtimeSources.filter((file) => {
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n').length;
      return lines > 400 && !/Longer than 400 lines because/i.test(text.slice(0, 1500));
    });
    expect(long.map((f) => relative(ROOT, f))).toEqual([]);
  });
});
