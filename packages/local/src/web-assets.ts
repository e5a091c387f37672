import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/**
 * The built web app (`web/dist`) as CloudFront serves it from S3: files by path, content-hashed
 * `assets/*` cached for a year, and `index.html` for any client route (a path without a file
 * extension), never revalidated from cache. Paths under the API and the provider never get here.
 */
export function webAssets(root: string) {
  const file = async (path: string) => {
    const full = normalize(join(root, path));
    if (full !== root && !full.startsWith(root + sep)) return null;
    try {
      if (!(await stat(full)).isFile()) return null;
      return { body: await readFile(full), type: TYPES[extname(full)] ?? 'application/octet-stream' };
    } catch {
      return null;
    }
  };
  return async (req: Request): Promise<Response> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    const { pathname } = new URL(req.url);
    const asset = pathname === '/' ? null : await file(decodeURIComponent(pathname));
    if (asset) {
      const immutable = pathname.startsWith('/assets/');
      return new Response(req.method === 'HEAD' ? null : asset.body, {
        headers: {
          'content-type': asset.type,
          'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        },
      });
    }
    if (extname(pathname) !== '') return new Response('not found', { status: 404 });
    const index = await file('index.html');
    if (!index) {
      return new Response(
        'The web app is not built: run `npm run -s build -w @psa/web` (npm start does it).',
        {
          status: 503,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        },
      );
    }
    return new Response(req.method === 'HEAD' ? null : index.body, {
      headers: { 'content-type': index.type, 'cache-control': 'no-cache' },
    });
  };
}
