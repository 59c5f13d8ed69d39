import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { HttpError } from '../http-error.js';

/** Content types of the files that the web build writes; files with other extensions are not served. */
export const WEB_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** File names that may be served: one path segment, no leading dot. */
const SERVABLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The build names bundles `<name>-<hash>.<ext>` (esbuild's 8-character hash), so their bytes never change. */
const HASHED_NAME = /-[A-Z0-9]{8}\.(?:js|css)$/;

const PACKAGE_NAME = '@hotdog-lab/http-worker';

/** One file of the web page, read into memory when the routes are registered. */
export interface WebFile {
  name: string;
  body: Buffer;
  contentType: string;
  etag: string;
  cacheControl: string;
}

let cachedWebDir: string | undefined;

/**
 * Returns the absolute path of the built web page, `dist/web` in this package. The folder is found
 * by walking up from this module to the `package.json` named `@hotdog-lab/http-worker`, which works
 * from the sources (tests), from the ESM and CJS builds and from an installed copy.
 */
export function defaultWebDir(): string {
  cachedWebDir ??= findWebDir(dirname(fileURLToPath(import.meta.url)));
  return cachedWebDir;
}

function findWebDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) {
          return join(dir, 'dist', 'web');
        }
      } catch {
        // Not a readable package.json: keep walking up.
      }
    }
    if (dirname(dir) === dir) {
      // No package root (the worker was bundled elsewhere): the build puts web/ beside the modules.
      return join(start, 'web');
    }
  }
}

/**
 * Reads the servable files at the top of `dir`: regular files (symbolic links and folders are
 * skipped) whose names are one safe segment with a known extension. A missing folder gives none.
 */
export function loadWebFiles(dir: string): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return files;
    }
    throw error;
  }

  for (const entry of entries) {
    const contentType = WEB_CONTENT_TYPES[extname(entry.name).toLowerCase()];
    if (!entry.isFile() || !SERVABLE_NAME.test(entry.name) || contentType === undefined) {
      continue;
    }
    const body = readFileSync(join(dir, entry.name));
    files.set(entry.name, {
      name: entry.name,
      body,
      contentType,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      cacheControl: HASHED_NAME.test(entry.name) ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  }
  return files;
}

export interface WebRouteOptions {
  /** Folder of the built page; `defaultWebDir()` unless a test points elsewhere. */
  dir: string;
}

/**
 * Registers `GET /` (index.html) and `GET /<name>` for each file of the built page. The files are
 * read once, here, so only those names are routes: no request path can reach any other file, and
 * every other path still gets the JSON 404. Rebuilding the page needs a worker restart.
 *
 * @returns the names served, for the start log.
 */
export function registerWebRoutes(router: Router, options: WebRouteOptions): string[] {
  const files = loadWebFiles(options.dir);
  const index = files.get('index.html');

  router.get('/', (ctx) => {
    if (!index) {
      throw new HttpError(404, 'NOT_FOUND', `the web page is not built: ${join(options.dir, 'index.html')} is missing; run pnpm build`);
    }
    sendFile(ctx, index);
  });
  for (const file of files.values()) {
    router.get(`/${file.name}`, (ctx) => sendFile(ctx, file));
  }
  return [...files.keys()].sort();
}

function sendFile(ctx: Context, file: WebFile): void {
  ctx.set('ETag', file.etag);
  ctx.set('Cache-Control', file.cacheControl);
  ctx.type = file.contentType;
  // `ctx.fresh` compares the ETag only for a successful status.
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.body = file.body;
}
