import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Defines `import.meta.url` in the CJS build, which `demoImagesDir` uses to find the demo folder.
  shims: true,
});
