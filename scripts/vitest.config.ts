import { defineConfig } from 'vitest/config';

// The scripts' own tests (pack manifests, browser-entry guard), apart from the packages' projects:
// `pnpm vitest run --config scripts/vitest.config.ts`.
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
