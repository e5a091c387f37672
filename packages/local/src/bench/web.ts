import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWeb, webBuildIsStale } from '@psa/web/build';
import { report } from './stats.ts';

const WEB_DIST = resolve(import.meta.dirname, '../../../../web/dist');

/** The issue's page-weight budget: the portal's first load, compressed JavaScript. */
export const PORTAL_JS_BUDGET_BYTES = 150 * 1024;

/**
 * The JavaScript a first visit to the portal downloads: the scripts and module preloads that
 * index.html names (the app is one entry; a lazily loaded chunk would not count until used),
 * each gzip-compressed at level 9 as CloudFront's or any CDN's compression would send it.
 */
export async function portalFirstLoadJs(
  dist = WEB_DIST,
): Promise<{ files: number; raw: number; gzip: number }> {
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const srcs = new Set(
    [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="([^"]+\.js)"/g)].map(
      (m) => m[1]!,
    ),
  );
  let raw = 0;
  let gzip = 0;
  for (const src of srcs) {
    const body = await readFile(join(dist, src.replace(/^\//, '')));
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  return { files: srcs.size, raw, gzip };
}

/**
 * The JavaScript a first visit to a lazily loaded staff section downloads (e.g. `console` for the
 * ticket console): the portal's first load (the same entry), plus the section's chunk
 * (`assets/{name}-{hash}.js`) and every chunk it imports statically, each counted once.
 */
export async function sectionFirstLoadJs(
  name: string,
  dist = WEB_DIST,
): Promise<{ files: number; raw: number; gzip: number }> {
  const entry = await portalFirstLoadJs(dist);
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const seen = new Set(
    [
      ...html.matchAll(
        /<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/assets\/([^"]+\.js)"/g,
      ),
    ].map((m) => m[1]!),
  );
  const chunk = (await readdir(join(dist, 'assets'))).find((f) =>
    new RegExp(`^${name}-[\\w-]+\\.js$`).test(f),
  );
  if (!chunk) throw new Error(`no chunk named ${name} in ${dist}/assets`);
  let { files, raw, gzip } = entry;
  const queue = [chunk];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const body = await readFile(join(dist, 'assets', file));
    files++;
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
    // Static imports between chunks are relative (`from"./x.js"`, `import"./x.js"`).
    for (const m of body.toString('utf8').matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) queue.push(m[1]!);
  }
  return { files, raw, gzip };
}

/** The chunks a module statically imports (`import{…}from"./x.js"`, `import"./x.js"`), not its lazy ones. */
function staticImports(code: string): string[] {
  return [...code.matchAll(/\bimport\s*(?:[\w$\s{},*]*\bfrom\s*)?["']\.\/([^"']+\.js)["']/g)].map(
    (m) => m[1]!,
  );
}

/** A chunk by its name's start (`division-of-work` → assets/division-of-work-<hash>.js). */
async function chunkNamed(dist: string, name: string): Promise<string> {
  const files = (await readdir(join(dist, 'assets'))).filter(
    (f) => f.startsWith(`${name}-`) && f.endsWith('.js'),
  );
  if (files.length !== 1)
    throw new Error(`expected one ${name} chunk in web/dist/assets, found ${files.length}`);
  return files[0]!;
}

/** Compressed and raw size of chunks and what they statically import, less what is already loaded. */
async function weightOf(
  dist: string,
  entries: string[],
  loaded: Set<string>,
): Promise<{ files: string[]; raw: number; gzip: number }> {
  const files: string[] = [];
  let raw = 0;
  let gzip = 0;
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (loaded.has(file)) continue;
    loaded.add(file);
    const body = await readFile(join(dist, 'assets', file));
    files.push(file);
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
    queue.push(...staticImports(body.toString('utf8')));
  }
  return { files, raw, gzip };
}

/**
 * What opening the division of work adds to the first load: its page chunk (the readable page,
 * history and diff), and the editor's chunk (CodeMirror with YAML), downloaded only when someone
 * opens the editor. Each with the chunks it statically imports that are not loaded already.
 */
export async function divisionOfWorkJs(dist = WEB_DIST): Promise<{
  page: { files: string[]; raw: number; gzip: number };
  editor: { files: string[]; raw: number; gzip: number };
  firstLoad: string[];
}> {
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const firstLoad = [...html.matchAll(/\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!);
  const loaded = new Set<string>();
  await weightOf(dist, firstLoad, loaded);
  const page = await weightOf(dist, [await chunkNamed(dist, 'division-of-work')], loaded);
  const editor = await weightOf(dist, [await chunkNamed(dist, 'codemirror')], loaded);
  return { page, editor, firstLoad };
}

export async function benchWeb(): Promise<void> {
  if (webBuildIsStale()) buildWeb();
  const js = await portalFirstLoadJs();
  report('portal first load JS', {
    files: js.files,
    rawKB: js.raw / 1024,
    gzipKB: js.gzip / 1024,
    budgetKB: PORTAL_JS_BUDGET_BYTES / 1024,
    withinBudget: js.gzip <= PORTAL_JS_BUDGET_BYTES ? 'yes' : 'NO',
  });
  const console_ = await sectionFirstLoadJs('console');
  report('staff console first load JS (/tickets)', {
    files: console_.files,
    rawKB: console_.raw / 1024,
    gzipKB: console_.gzip / 1024,
    budgetKB: PORTAL_JS_BUDGET_BYTES / 1024,
    withinBudget: console_.gzip <= PORTAL_JS_BUDGET_BYTES ? 'yes' : 'NO',
  });
  const dow = await divisionOfWorkJs();
  report('division of work page JS', {
    files: dow.page.files.length,
    rawKB: dow.page.raw / 1024,
    gzipKB: dow.page.gzip / 1024,
  });
  report('division of work editor JS', {
    files: dow.editor.files.length,
    rawKB: dow.editor.raw / 1024,
    gzipKB: dow.editor.gzip / 1024,
  });
}
