import { defineConfig } from 'tsup';

const common = { sourcemap: true, target: 'node20' } as const;

export default defineConfig([
  // `shims` defines `import.meta.url` in the CJS build, which `defaultWebDir` uses to find dist/web.
  { ...common, entry: ['src/index.ts'], format: ['esm', 'cjs'], dts: true, shims: true },
  // The binary is only run, never imported, so it ships as ESM alone.
  { ...common, entry: ['src/cli.ts'], format: ['esm'] },
]);
