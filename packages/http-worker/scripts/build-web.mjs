#!/usr/bin/env node
// Builds the labeling page into dist/web: bundles web/src/main.ts and web/src/styles.css with
// esbuild under content-hashed names, writes index.html pointing at them, and copies the icon.
// Type-checking is a separate step (`tsc -p web/tsconfig.json`), run before this by `pnpm build`.
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const webDir = join(packageDir, 'web');
const outDir = join(packageDir, 'dist', 'web');

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

const result = await build({
  entryPoints: [
    { in: join(webDir, 'src', 'main.ts'), out: 'app' },
    { in: join(webDir, 'src', 'styles.css'), out: 'app' },
  ],
  outdir: outDir,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'iife',
  // Browsers of the last few years; the page uses no newer syntax than ES2020 needs.
  target: ['chrome109', 'edge109', 'firefox115', 'safari15.4'],
  legalComments: 'none',
  charset: 'utf8',
  metafile: true,
  logLevel: 'warning',
});

/** The output file built from `entry`, relative to dist/web. */
function outputOf(entry) {
  const entryPath = relative(packageDir, entry).split('\\').join('/');
  const found = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint === entryPath);
  if (!found) {
    throw new Error(`esbuild wrote no output for ${entryPath}`);
  }
  return basename(found[0]);
}

const script = outputOf(join(webDir, 'src', 'main.ts'));
const style = outputOf(join(webDir, 'src', 'styles.css'));

let html = await readFile(join(webDir, 'index.html'), 'utf8');
for (const [placeholder, name] of [
  ['href="/app.css"', `href="/${style}"`],
  ['src="/app.js"', `src="/${script}"`],
]) {
  if (!html.includes(placeholder)) {
    throw new Error(`web/index.html has no ${placeholder} to point at the bundle`);
  }
  html = html.replace(placeholder, name);
}
// The template's note about this replacement means nothing in the built page.
html = html.replace(/^\s*<!-- scripts\/build-web\.mjs .*-->\n/m, '');
await writeFile(join(outDir, 'index.html'), html);
await copyFile(join(webDir, 'favicon.svg'), join(outDir, 'favicon.svg'));

const sizes = Object.entries(result.metafile.outputs)
  .filter(([file]) => !file.endsWith('.map'))
  .map(([file, output]) => `${basename(file)} ${(output.bytes / 1024).toFixed(1)} KiB`);
console.log(`web page built in ${relative(process.cwd(), outDir) || '.'}: index.html, favicon.svg, ${sizes.join(', ')}`);
