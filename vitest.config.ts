import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// One root config, one project per package: `pnpm test` runs everything in one process pool,
// `vitest run --project @icd/metrics` runs one package. Tests import source through the
// "@icd/source" export condition, so no build is needed before testing.
const packages = readdirSync(new URL('./packages', import.meta.url)).filter((name) =>
  existsSync(new URL(`./packages/${name}/package.json`, import.meta.url)),
);

export default defineConfig({
  test: {
    // Vitest runs availableParallelism − 1 workers by default: one on a 2-core CI machine, while the main
    // process mostly waits. Two workers keep both cores busy (the suite's wall time drops by about a third).
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/vitest/results.json' }]],
    projects: packages.map((name) => ({
      extends: true,
      resolve: { conditions: ['@icd/source'] },
      ssr: { resolve: { conditions: ['@icd/source'] } },
      test: {
        name: `@icd/${name}`,
        root: `./packages/${name}`,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        environment: 'node',
        testTimeout: 60_000,
      },
    })),
  },
});
