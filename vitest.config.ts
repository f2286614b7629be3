import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside the code; end-to-end tests (real Chromium) live in test/e2e
// and run through vitest.e2e.config.ts so they can be sequential and slower.
export default defineConfig({
  test: {
    include: ['main/**/*.test.ts', 'preload/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
  },
});
