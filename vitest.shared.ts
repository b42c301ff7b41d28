import { defineConfig } from 'vitest/config';

// Kernel and training tests are CPU-heavy: one worker file at a time on 2 cores.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
