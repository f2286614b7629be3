import { defineConfig } from 'vitest/config';

// The desktop app in a real Electron (Playwright's _electron). Skips, saying why, where no Electron
// binary exists (these build machines); runs in the release workflow under Xvfb.
export default defineConfig({
  test: {
    include: ['test/e2e-electron/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
