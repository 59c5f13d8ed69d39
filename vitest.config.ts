import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packageNames = ['stats-core', 'label-store', 'http-worker', 'prompt-client'] as const;

// Unit tests import sibling packages from source, so they run without a build.
// Integration tests start the built `dist/cli.js` files as child processes instead.
const alias = Object.fromEntries(
  packageNames.map((name) => [
    `@hotdog-lab/${name}`,
    fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
  ]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    globalSetup: [fileURLToPath(new URL('./test-support/s3-global-setup.ts', import.meta.url))],
    projects: [
      ...packageNames.map((name) => ({
        extends: true,
        test: {
          name,
          root: `./packages/${name}`,
          include: ['test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      })),
      // A quick run of part of `pnpm bench`, which starts the built worker like the integration tests.
      { extends: true, test: { name: 'bench', root: './bench', include: ['test/**/*.test.ts'], testTimeout: 60_000 } },
      // The demo recorder in its short mode, plus unit tests of its terminal renderer.
      { extends: true, test: { name: 'demo', root: './demo', include: ['test/**/*.test.ts'], testTimeout: 60_000 } },
    ],
  },
});
