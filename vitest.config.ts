import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DuckDB files and servers are real; keep parallelism modest on a 2-core machine.
    maxWorkers: 2,
  },
});
