import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // One copy of the classes shared by both entries in CJS too (instanceof across `.` and `./node`).
  splitting: true,
  target: 'node20',
});
